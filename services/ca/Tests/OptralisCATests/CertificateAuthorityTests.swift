import Foundation
@testable import OptralisCA
import OptralisTestSupport
import Testing

@Suite("Certificate authority: certificates from swift-certificates, CRLs from OpenSSL, checked by openssl")
struct CertificateAuthorityTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("optralis-ca-\(UUID().uuidString)").path

    func openssl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await ChildProcess.run(which("openssl") ?? "/usr/bin/openssl", arguments)
    }

    func write(_ text: String, _ name: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func the_ca_is_created_once_kept_private_and_reloaded() throws {
        let created = try CertificateAuthority.loadOrCreate(directory: directory)
        let mode = try FileManager.default.attributesOfItem(atPath: directory + "/ca.key")[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let loaded = try CertificateAuthority.loadOrCreate(directory: directory)
        #expect(loaded.certificatePEM == created.certificatePEM, "a restart keeps the same CA")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: directory + "/ca.key")
        #expect(throws: CertificateAuthority.ConfigurationProblem.self) { try CertificateAuthority.loadOrCreate(directory: directory) }
    }

    @Test func issued_certificates_verify_and_carry_the_machine_identity() async throws {
        let ca = try CertificateAuthority.loadOrCreate(directory: directory)
        let client = UUID(), machine = UUID()
        let issued = try ca.issue(clientID: client, machineID: machine)
        let caPath = try write(ca.certificatePEM, "ca.crt.pem"), certPath = try write(issued.certificatePEM, "machine.pem")
        let verified = try await openssl(["verify", "-CAfile", caPath, certPath])
        #expect(verified.status == 0, "\(verified.output)")
        let text = try await openssl(["x509", "-in", certPath, "-noout", "-text"])
        #expect(
            text.output.contains("CN = \(client.uuidString.lowercased()):\(machine.uuidString.lowercased())")
                || text.output.contains("CN=\(client.uuidString.lowercased()):\(machine.uuidString.lowercased())"))
        #expect(text.output.contains("URI:urn:optralis:client:\(client.uuidString.lowercased()):machine:\(machine.uuidString.lowercased())"))
        #expect(text.output.contains("TLS Web Client Authentication"))
        #expect(issued.expiresAt.timeIntervalSince(issued.issuedAt) > 364 * 86_400, "one year")
        let key = try write(issued.privateKeyPEM, "machine.key")
        let pair = try await openssl(["x509", "-in", certPath, "-noout", "-pubkey"])
        let fromKey = try await openssl(["pkey", "-in", key, "-pubout"])
        #expect(pair.output == fromKey.output, "the key is the certificate's")
    }

    @Test func a_revoked_certificate_fails_openssl_verify_with_the_crl_and_passes_once_restored() async throws {
        let ca = try CertificateAuthority.loadOrCreate(directory: directory)
        let issued = try ca.issue(clientID: UUID(), machineID: UUID())
        let other = try ca.issue(clientID: UUID(), machineID: UUID())
        let caPath = try write(ca.certificatePEM, "ca.crt.pem"), certPath = try write(issued.certificatePEM, "machine.pem")
        let otherPath = try write(other.certificatePEM, "other.pem")

        let crl = try ca.crl(revoked: [.init(serialHex: issued.serialHex, revokedAt: Date(), reason: 1)], number: 7)
        let der = directory + "/crl.der"
        FileManager.default.createFile(atPath: der, contents: Data(crl))
        let parsed = try await openssl(["crl", "-inform", "DER", "-in", der, "-noout", "-text"])
        #expect(parsed.status == 0, "\(parsed.output)")
        #expect(parsed.output.lowercased().contains(issued.serialHex.lowercased()), "\(parsed.output)")
        #expect(parsed.output.contains("Key Compromise"))
        #expect(parsed.output.contains("X509v3 CRL Number") && parsed.output.contains("7"))
        #expect(parsed.output.contains("X509v3 Authority Key Identifier"))
        let signature = try await openssl(["crl", "-inform", "DER", "-in", der, "-noout", "-CAfile", caPath])
        #expect(signature.output.contains("verify OK"), "\(signature.output)")

        let pem = directory + "/crl.pem"
        #expect(try await openssl(["crl", "-inform", "DER", "-in", der, "-outform", "PEM", "-out", pem]).status == 0)
        let refused = try await openssl(["verify", "-crl_check", "-CRLfile", pem, "-CAfile", caPath, certPath])
        #expect(refused.status != 0)
        #expect(refused.output.contains("certificate revoked"), "\(refused.output)")
        #expect(try await openssl(["verify", "-crl_check", "-CRLfile", pem, "-CAfile", caPath, otherPath]).status == 0, "others stay valid")

        let empty = try ca.crl(revoked: [], number: 8)
        FileManager.default.createFile(atPath: der, contents: Data(empty))
        #expect(try await openssl(["crl", "-inform", "DER", "-in", der, "-outform", "PEM", "-out", pem]).status == 0)
        #expect(try await openssl(["verify", "-crl_check", "-CRLfile", pem, "-CAfile", caPath, certPath]).status == 0, "restored")
    }
}
