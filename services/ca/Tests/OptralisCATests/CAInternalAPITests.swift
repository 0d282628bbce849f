import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
@testable import OptralisCA
import OptralisServer
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("ca internal API")
struct CAInternalAPITests {
    static let token = String(repeating: "t", count: 40)

    @Test func issues_one_active_certificate_per_machine_and_revokes_and_restores_through_the_crl() async throws {
        let database = try await TestDatabase.create()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString)").path
        let configuration = try CAConfiguration(environment: [
            "DATABASE_URL": database.url.urlString, "INTERNAL_SERVICE_TOKEN": Self.token, "CA_DIR": directory, "CA_PORT": "0", "BIND_ADDRESS": "127.0.0.1",
        ])
        var logger = Logger(label: "ca-test")
        logger.logLevel = .critical
        let (client, machine) = try await database.withClient { db in
            let client = try await Seed.client(db, name: "c")
            let machine = try await db.query("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'srv') RETURNING id", logger: testLogger)
                .decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
            return (client, machine)
        }
        let app = try CAServer(configuration: configuration, logger: logger).makeApplication()
        try await app.test(.live) { http in
            let headers: HTTPFields = [.internalToken: Self.token, .contentType: "application/json"]
            let body = ByteBuffer(string: #"{"client_id":"\#(client)","machine_id":"\#(machine)"}"#)
            try await http.execute(uri: "/internal/certificates", method: .post, headers: [.contentType: "application/json"], body: body) { response in
                #expect(response.status == .unauthorized, "the internal token is required")
            }
            try await http.execute(uri: "/internal/certificates", method: .post, headers: headers, body: ByteBuffer(string: #"{"client_id": 1}"#)) { response in
                let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any]
                #expect(response.status == .badRequest && json?["code"] as? String == "BAD_REQUEST", "\(String(buffer: response.body))")
                #expect(response.headers[.requestID] != nil, "the shared middleware wraps the ca's routes")
            }
            func issue() async throws -> [String: Any] {
                try await http.execute(uri: "/internal/certificates", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                    return (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
                }
            }
            let first = try await issue()
            #expect((first["certificate"] as? String)?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
            #expect((first["private_key"] as? String)?.contains("PRIVATE KEY") == true)
            #expect((first["ca_certificate"] as? String)?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
            let firstSerial = try #require(first["serial"] as? String)
            let second = try await issue()
            let secondSerial = try #require(second["serial"] as? String)
            #expect(firstSerial != secondSerial)

            let rows = try await database.withClient { db in
                try await db.query(
                    "SELECT serial, revoked_at IS NULL, COALESCE(revocation_reason, '') FROM client_certificates ORDER BY issued_at", logger: testLogger
                )
                .decode((String, Bool, String).self).reduce(into: [(String, Bool, String)]()) { $0.append($1) }
            }
            #expect(rows.map(\.0) == [firstSerial, secondSerial])
            #expect(rows.map(\.1) == [false, true], "one active certificate per machine: the first was superseded")
            #expect(rows.first?.2 == "superseded")
            let machineSerial = try await database.withClient { db in
                try await db.query("SELECT cert_serial FROM machines WHERE id = \(machine)", logger: testLogger).decode(String?.self).reduce(into: [String?]())
                { $0.append($1) }.first ?? nil
            }
            #expect(machineSerial == secondSerial)

            func crl() async throws -> [UInt8] {
                try await http.execute(uri: "/internal/crl", method: .get, headers: [.internalToken: Self.token]) { response in
                    #expect(response.headers[.contentType] == "application/pkix-crl")
                    return Array(buffer: response.body)
                }
            }
            func crlText() async throws -> String {
                let path = directory + "/crl-\(UUID().uuidString).der"
                FileManager.default.createFile(atPath: path, contents: Data(try await crl()))
                return try await ChildProcess.run(which("openssl") ?? "/usr/bin/openssl", ["crl", "-inform", "DER", "-in", path, "-noout", "-text"]).output
                    .lowercased()
            }
            #expect(try await crlText().contains(firstSerial.lowercased()), "the superseded certificate is listed")
            try await http.execute(
                uri: "/internal/certificates/\(secondSerial)/revoke", method: .post, headers: headers, body: ByteBuffer(string: #"{"reason":"key_compromise"}"#)
            ) { response in
                #expect(response.status == .ok)
            }
            let revokedText = try await crlText()
            #expect(revokedText.contains(secondSerial.lowercased()) && revokedText.contains("key compromise"))
            try await http.execute(uri: "/internal/certificates/\(firstSerial)/restore", method: .post, headers: headers) { response in
                #expect(response.status == .ok, "the machine has no active certificate now: the first can come back")
            }
            try await http.execute(uri: "/internal/certificates/\(secondSerial)/restore", method: .post, headers: headers) { response in
                #expect(response.status == .conflict, "a second active certificate for one machine is refused")
            }
            try await http.execute(uri: "/internal/certificates/unknown/revoke", method: .post, headers: headers) { response in
                #expect(response.status == .notFound)
            }
            let renewed = try await http.execute(uri: "/internal/certificates/\(firstSerial)/renew", method: .post, headers: headers) { response in
                #expect(response.status == .ok)
                return (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["serial"] as? String
            }
            #expect(renewed != nil && renewed != firstSerial)
            let other = UUID()
            try await http.execute(
                uri: "/internal/certificates", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"client_id":"\#(other)","machine_id":"\#(machine)"}"#)
            ) { response in
                #expect(response.status == .notFound, "a machine is only certified for its own client")
            }
        }
        try await database.drop()
    }
}
