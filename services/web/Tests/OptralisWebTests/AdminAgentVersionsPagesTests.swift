import Foundation
import OptralisTestSupport
import Testing

@Suite("Admin panel: agent versions")
struct AdminAgentVersionsPagesTests {
    @Test func a_super_admin_publishes_a_signed_build_promotes_it_and_deletes_it() async throws {
        let downloads = FileManager.default.temporaryDirectory.appendingPathComponent("web-downloads-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(downloads)/beta", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: downloads) }
        let binary = Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try binary.write(to: URL(fileURLWithPath: "\(downloads)/beta/optralis-agent-1.2.0-linux-amd64"))
        try (Data(repeating: 7, count: 64).base64EncodedString() + "\n").write(
            toFile: "\(downloads)/beta/optralis-agent-1.2.0-linux-amd64.sig", atomically: true, encoding: .utf8)
        try binary.write(to: URL(fileURLWithPath: "\(downloads)/beta/unsigned-1.2.1"))

        try await WebHarness.run(apiEnvironment: ["AGENT_DOWNLOADS_DIR": downloads, "PUBLIC_URL": "https://monitoring.test"]) { web in
            let root = WebHarness.Browser()
            #expect(try await web.logIn(try await web.seedUser(client: nil, role: "super_admin"), as: root).location == "/")
            let page = try await web.get("/admin/agent-versions", as: root)
            #expect(page.status == .ok && page.text.contains("href=\"/admin/agent-versions\" aria-current=\"page\""), "\(page.text.prefix(2000))")
            #expect(
                page.text.contains("<option value=\"beta/optralis-agent-1.2.0-linux-amd64\"")
                    && !page.text.contains("<option value=\"beta/optralis-agent-1.2.0-linux-amd64.sig\""),
                "builds are offered, signatures are not")
            #expect(page.text.contains("optralis-ca sign-agent") && page.text.contains("AGENT_DOWNLOADS_DIR/&lt;stable|beta&gt;/"), "where a build goes")
            let token = try #require(page.field("_csrf"))

            // Refused: no signature beside the file; a version that is not one.
            let unsigned = try await web.post(
                "/admin/agent-versions",
                form: [
                    "_csrf": token, "file": "beta/unsigned-1.2.1", "version": "1.2.1", "platform": "linux", "architecture": "amd64", "changelog": "",
                ], as: root)
            #expect(
                unsigned.status == .badRequest
                    && unsigned.text.contains(
                        "<p class=\"field-error\" id=\"file-error\">no .sig beside this file: sign the build (optralis-ca sign-agent) and copy its .sig next to it</p>"
                    ),
                "\(unsigned.text.prefix(3000))")
            #expect(unsigned.text.contains("<option value=\"beta/unsigned-1.2.1\" selected>"), "the form keeps what was chosen")
            root.set("optralis_lang", "fr")
            let malformed = try await web.post(
                "/admin/agent-versions",
                form: [
                    "_csrf": token, "file": "beta/optralis-agent-1.2.0-linux-amd64", "version": "one", "platform": "linux", "architecture": "amd64",
                    "changelog": "x",
                ], as: root)
            #expect(
                malformed.text.contains("<p class=\"field-error\" id=\"version-error\">doit ressembler à 1.2.3</p>")
                    && malformed.text.contains("aria-describedby=\"version-error\""), "\(malformed.text.prefix(3000))")
            root.set("optralis_lang", "en")

            let published = try await web.post(
                "/admin/agent-versions",
                form: [
                    "_csrf": token, "file": "beta/optralis-agent-1.2.0-linux-amd64", "version": "1.2.0", "platform": "linux", "architecture": "amd64",
                    "changelog": "- First beta",
                ], as: root)
            #expect(published.location == "/admin/agent-versions?done=created", "\(published.status) \(published.text.prefix(2000))")
            let listed = try await web.get("/admin/agent-versions?done=created", as: root)
            #expect(
                listed.text.contains("Version published.") && listed.text.contains("- First beta")
                    && listed.text.contains("beta/optralis-agent-1.2.0-linux-amd64"))
            let beta = String(try #require(listed.text.firstMatch(of: /action="\/admin\/agent-versions\/([0-9a-f-]{36})\/promote"/)?.1))

            #expect(
                try await web.post("/admin/agent-versions/\(beta)/promote", form: ["_csrf": token], as: root).location == "/admin/agent-versions?done=promoted")
            let both = try await web.get("/admin/agent-versions?channel=stable", as: root)
            #expect(both.text.contains("<td>stable</td>") && !both.text.contains("<td>beta</td>"), "the filter shows the stable copy alone")
            let stable = String(try #require(both.text.firstMatch(of: /href="\/admin\/agent-versions\/([0-9a-f-]{36})\/delete/)?.1))
            let again = try await web.post("/admin/agent-versions/\(stable)/promote", form: ["_csrf": token], as: root)
            #expect(again.location == "/admin/agent-versions?failed=ALREADY_STABLE")
            #expect(try await web.get(again.location ?? "/", as: root).text.contains("This version is already stable."))

            let ask = try await web.get("/admin/agent-versions/\(beta)/delete?name=1.2.0%20(beta)", as: root)
            #expect(ask.text.contains("Delete version 1.2.0 (beta)?") && ask.text.contains("action=\"/admin/agent-versions/\(beta)/delete\""))
            #expect(
                try await web.post("/admin/agent-versions/\(beta)/delete", form: ["_csrf": token], as: root).location == "/admin/agent-versions?done=deleted")
            let after = try await web.get("/admin/agent-versions?channel=beta", as: root)
            #expect(after.text.contains("No agent version."), "\(after.text.prefix(3000))")
        }
    }

    @Test func the_admin_pages_are_the_super_admins_alone() async throws {
        try await WebHarness.run { web in
            let admin = WebHarness.Browser()
            #expect(try await web.logIn(try await web.seedUser(client: try await web.seedClient()), as: admin).location == "/")
            for path in ["/admin/agent-versions", "/admin/systems", "/admin/certificates", "/admin/activity", "/admin/machines"] {
                #expect(try await web.get(path, as: admin).status == .forbidden, "\(path)")
            }
            let token = try #require(try await web.get("/", as: admin).field("_csrf"))
            let forged = try await web.post("/admin/machines/bulk-channel", form: ["_csrf": token, "scope": "filter", "channel": "beta"], as: admin)
            #expect(forged.status == .forbidden)
        }
    }
}
