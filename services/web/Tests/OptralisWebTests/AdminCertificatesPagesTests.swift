import Foundation
import OptralisCurl
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("Admin panel: certificates")
struct AdminCertificatesPagesTests {
    static let caToken = String(repeating: "c", count: 40)

    @Test func a_super_admin_revokes_restores_and_purges_certificates_through_the_real_ca() async throws {
        let caPort = try freePort()
        let caDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("web-ca-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: caDirectory) }
        try await WebHarness.run(apiEnvironment: ["CA_SERVICE_URL": "http://127.0.0.1:\(caPort)", "CA_SERVICE_TOKEN": Self.caToken]) { web in
            let client = try await web.seedClient("Acme")
            func machine(_ host: String) async throws -> UUID {
                try await web.database.withClient { db in
                    try await db.query(
                        "INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), \(host), now()) RETURNING id", logger: testLogger
                    )
                    .decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
                }
            }
            let edge1 = try await machine("edge-01"), edge2 = try await machine("edge-02")
            // Rows as the ca writes them: edge-01's active certificate, edge-02's revoked one, and
            // one expired and revoked whose machine is gone.
            try await web.sql("INSERT INTO client_certificates (client_id, machine_id, serial) VALUES (\(client), \(edge1), '0A11')")
            try await web.sql("UPDATE machines SET cert_serial = '0A11' WHERE id = \(edge1)")
            try await web.sql(
                "INSERT INTO client_certificates (client_id, machine_id, serial, revoked_at, revocation_reason) VALUES (\(client), \(edge2), '0B22', now(), 'superseded')"
            )
            try await web.sql(
                """
                INSERT INTO client_certificates (client_id, serial, issued_at, expires_at, revoked_at, revocation_reason)
                VALUES (\(client), '0C33', now() - INTERVAL '2 years', now() - INTERVAL '1 year', now() - INTERVAL '1 year', 'cessation_of_operation')
                """)

            let root = WebHarness.Browser()
            #expect(try await web.logIn(try await web.seedUser(client: nil, role: "super_admin"), as: root).location == "/")
            let page = try await web.get("/admin/certificates", as: root)
            #expect(page.status == .ok && page.text.contains("href=\"/admin/certificates\" aria-current=\"page\""))
            #expect(
                page.text.contains("<span class=\"value\">3</span><span class=\"label\">All</span>")
                    && page.text.contains("<span class=\"value\">2</span><span class=\"label\">Revoked</span>"), "the counts per status")
            #expect(page.text.contains("<a href=\"/admin/clients#client-\(client.uuidString.lowercased())\">Acme</a>"))
            let token = try #require(page.field("_csrf"))
            let searched = try await web.get("/admin/certificates?search=edge-01", as: root)
            #expect(searched.text.contains("<code>0A11</code>") && !searched.text.contains("<code>0B22</code>"))
            let revoked = try await web.get("/admin/certificates?status=revoked", as: root)
            #expect(revoked.text.contains("<code>0B22</code>") && revoked.text.contains("<code>0C33</code>") && !revoked.text.contains("<code>0A11</code>"))
            #expect(revoked.text.contains("Machine retired"), "the reason, said in words")

            // The revoke page, reached from the row.
            let link = String(try #require(page.text.firstMatch(of: /href="(\/admin\/certificates\/0A11\/revoke\?[^"]+)"/)?.1)).replacingOccurrences(
                of: "&amp;", with: "&")
            let ask = try await web.get(link, as: root)
            #expect(
                ask.text.contains("Revoke the active certificate of edge-01 (serial 0A11)?")
                    && ask.text.contains("<option value=\"key_compromise\" >Key compromised (1)</option>"),
                "\(ask.text.prefix(3000))")
            let fields: [String: String] = [
                "_csrf": token, "machine_id": edge1.uuidString.lowercased(), "client_id": client.uuidString.lowercased(), "host": "edge-01",
            ]

            // A reason the api does not know: said beside the field, nothing revoked.
            let unknown = try await web.post("/admin/certificates/0A11/revoke", form: fields.merging(["reason": "stolen"]) { $1 }, as: root)
            #expect(
                unknown.status == .badRequest
                    && unknown.text.contains("<p class=\"field-error\" id=\"reason-error\">must be one of unspecified, key_compromise,"),
                "\(unknown.text.prefix(3000))")

            // The ca is not running yet: the api cannot revoke, and the page says so.
            let refused = try await web.post("/admin/certificates/0A11/revoke", form: fields.merging(["reason": "key_compromise"]) { $1 }, as: root)
            #expect(refused.location == "/admin/certificates?failed=CA_UNAVAILABLE")
            #expect(try await web.get(refused.location ?? "/", as: root).text.contains("The certificate authority cannot be reached"))

            let ca = try ServiceProcess.launch(
                "optralis-ca",
                environment: [
                    "DATABASE_URL": web.database.url.urlString, "CA_SERVICE_TOKEN": Self.caToken, "CA_DIR": caDirectory, "CA_PORT": String(caPort),
                    "LOG_LEVEL": "warning",
                ], port: caPort)
            let curl = CurlClient(concurrency: 1)
            let serving = await ca.waitUntilServing(client: curl)
            await curl.shutdown()
            defer { ca.child.signal(SIGTERM) }
            try #require(serving != nil, "optralis-ca did not start: \(ca.child.output.suffix(500))")

            let done = try await web.post("/admin/certificates/0A11/revoke", form: fields.merging(["reason": "key_compromise"]) { $1 }, as: root)
            #expect(done.location == "/admin/certificates?done=revoked", "\(done.status) \(done.text.prefix(2000))")
            let now = try await web.get("/admin/certificates?search=0A11&done=revoked", as: root)
            #expect(
                now.text.contains("Certificate revoked.") && now.text.contains("Key compromised")
                    && now.text.contains("action=\"/admin/certificates/0A11/restore\""),
                "\(now.text.prefix(3000))")

            #expect(try await web.post("/admin/certificates/0B22/restore", form: ["_csrf": token], as: root).location == "/admin/certificates?done=restored")
            let expired = try await web.post("/admin/certificates/0C33/restore", form: ["_csrf": token], as: root)
            #expect(expired.location == "/admin/certificates?failed=CERTIFICATE_CONFLICT")
            #expect(try await web.get(expired.location ?? "/", as: root).text.contains("This certificate cannot be restored: it has expired"))

            #expect(try await web.post("/admin/certificates/refresh-cache", form: ["_csrf": token], as: root).location == "/admin/certificates?done=cache")
            #expect(try await web.get("/admin/certificates/purge", as: root).text.contains("Delete every expired and revoked certificate?"))
            #expect(try await web.post("/admin/certificates/purge", form: ["_csrf": token], as: root).location == "/admin/certificates?done=purged")
            let left = try await web.get("/admin/certificates", as: root)
            #expect(
                left.text.contains("<code>0B22</code>") && !left.text.contains("<code>0A11</code>") && !left.text.contains("<code>0C33</code>"),
                "the restored certificate stays, the revoked and expired ones go")
        }
    }
}
