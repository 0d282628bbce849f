import Crypto
import Foundation
import OptralisCore
import SwiftASN1
import X509

/// The Optralis CA: an ECDSA P-256 key and a self-signed certificate kept in `CA_DIR`
/// (`ca.key`, mode 0600, and `ca.crt`), created on first start. It signs one client
/// certificate per machine with the spec's CN `client_id:machine_id` and the same identity as a
/// SAN URI (`urn:optralis:client:<id>:machine:<id>`), since that CN exceeds RFC 5280's 64
/// characters and strict tools need a compliant form.
public struct CertificateAuthority: Sendable {
    let key: P256.Signing.PrivateKey
    let certificate: Certificate
    public let certificatePEM: String
    let keyPEM: String

    struct ConfigurationProblem: Error, CustomStringConvertible {
        let description: String
    }

    /// Loads the CA from `directory`, or creates it there when it has none.
    public static func loadOrCreate(directory: String, commonName: String = "Optralis Agent CA") throws -> CertificateAuthority {
        let keyPath = directory + "/ca.key", certificatePath = directory + "/ca.crt"
        let files = FileManager.default
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if files.fileExists(atPath: keyPath) {
            let mode = (try files.attributesOfItem(atPath: keyPath)[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
            guard mode & 0o077 == 0 else {
                throw ConfigurationProblem(description: "\(keyPath) is readable by group or others (mode \(String(mode, radix: 8))): chmod 600 it")
            }
            let keyPEM = try String(contentsOfFile: keyPath, encoding: .utf8)
            let certificatePEM = try String(contentsOfFile: certificatePath, encoding: .utf8)
            let key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
            let certificate = try Certificate(pemEncoded: certificatePEM)
            guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
                throw ConfigurationProblem(description: "\(certificatePath) does not belong to \(keyPath)")
            }
            return CertificateAuthority(key: key, certificate: certificate, certificatePEM: certificatePEM, keyPEM: keyPEM)
        }
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CommonName(commonName)
            OrganizationName("Optralis")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: name, subject: name,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(keyIdentifier: keyIdentifier(key.publicKey))
            },
            issuerPrivateKey: .init(key))
        let certificatePEM = try certificate.serializeAsPEM().pemString
        let keyPEM = key.pemRepresentation
        files.createFile(atPath: keyPath, contents: Data(keyPEM.utf8), attributes: [.posixPermissions: 0o600])
        try certificatePEM.write(toFile: certificatePath, atomically: true, encoding: .utf8)
        return CertificateAuthority(key: key, certificate: certificate, certificatePEM: certificatePEM, keyPEM: keyPEM)
    }

    static func keyIdentifier(_ key: P256.Signing.PublicKey) -> ArraySlice<UInt8> {
        ArraySlice(Insecure.SHA1.hash(data: key.x963Representation))
    }

    public struct Issued: Sendable {
        public let certificatePEM: String
        public let privateKeyPEM: String
        public let serialHex: String
        public let issuedAt: Date
        public let expiresAt: Date
    }

    /// A client-authentication certificate for one machine, valid `days` days, with a fresh key.
    public func issue(clientID: UUID, machineID: UUID, days: Int = 365) throws -> Issued {
        let machineKey = P256.Signing.PrivateKey()
        let client = clientID.uuidString.lowercased(), machine = machineID.uuidString.lowercased()
        let now = Date()
        let expiresAt = now.addingTimeInterval(Double(days) * 86_400)
        var serial = Certificate.SerialNumber()
        serial = Certificate.SerialNumber(bytes: serial.bytes.drop { $0 == 0 })
        let issued = try Certificate(
            version: .v3, serialNumber: serial, publicKey: .init(machineKey.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: expiresAt,
            issuer: certificate.subject,
            subject: try DistinguishedName {
                CommonName("\(client):\(machine)")
                OrganizationName("Optralis")
            },
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
                SubjectAlternativeNames([.uniformResourceIdentifier("urn:optralis:client:\(client):machine:\(machine)")])
                AuthorityKeyIdentifier(keyIdentifier: Self.keyIdentifier(key.publicKey))
            },
            issuerPrivateKey: .init(key))
        return Issued(
            certificatePEM: try issued.serializeAsPEM().pemString, privateKeyPEM: machineKey.pemRepresentation,
            serialHex: serial.bytes.hexString, issuedAt: now, expiresAt: expiresAt)
    }

    /// A server certificate for the api's agent port (mTLS), for host names and IPv4 addresses.
    public func issueServer(names: [String], days: Int = 397) throws -> (certificatePEM: String, privateKeyPEM: String) {
        let serverKey = P256.Signing.PrivateKey()
        let now = Date()
        let alternativeNames: [GeneralName] = names.map { name in
            let octets = name.split(separator: ".").compactMap { UInt8($0) }
            if octets.count == 4 && name.split(separator: ".").count == 4 {
                return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(octets)))
            }
            return .dnsName(name)
        }
        let issued = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(days) * 86_400),
            issuer: certificate.subject,
            subject: try DistinguishedName {
                CommonName(names.first ?? "optralis-api")
                OrganizationName("Optralis")
            },
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(alternativeNames)
                AuthorityKeyIdentifier(keyIdentifier: Self.keyIdentifier(key.publicKey))
            },
            issuerPrivateKey: .init(key))
        return (try issued.serializeAsPEM().pemString, serverKey.pemRepresentation)
    }

    /// The current CRL (DER) listing `revoked`.
    func crl(revoked: [CRLSigner.Revoked], number: Int) throws -> [UInt8] {
        try CRLSigner.sign(caCertificatePEM: certificatePEM, caKeyPEM: keyPEM, revoked: revoked, number: number)
    }
}
