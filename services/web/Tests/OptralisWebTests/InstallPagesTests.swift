import Foundation
import OptralisTestSupport
import Testing

@Suite("Install page")
struct InstallPagesTests {
    @Test func an_admin_creates_a_token_sees_its_commands_revokes_it_and_downloads_an_installer_and_an_observer_only_reads() async throws {
        try await WebHarness.run(withCA: true) { web in
            let client = try await web.seedClient()
            let admin = try await web.seedUser(client: client)
            let observer = try await web.seedUser(client: client, role: "observer")
            let checksum = String(repeating: "ab", count: 32)
            try await web.sql(
                """
                INSERT INTO agent_versions (version, channel, platform, architecture, download_url, checksum_sha256, file_size_bytes, is_active)
                VALUES ('2.4.1', 'stable', 'linux', 'amd64', 'https://downloads.example/optralis-agent-2.4.1', \(checksum), 12345678, true)
                """)
            let admins = WebHarness.Browser(), observers = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: admins).location == "/")
            #expect(try await web.logIn(observer, as: observers).location == "/")

            let empty = try await web.get("/install", as: admins)
            #expect(empty.status == .ok && empty.text.contains("No usable install token.") && empty.text.contains("action=\"/install/tokens\""))
            #expect(empty.text.contains(">2.4.1</a>") && empty.text.contains(checksum) && empty.text.contains("12.3 MB"), "\(empty.text.prefix(3000))")
            #expect(empty.text.contains("No version published yet."), "arm64 and windows have none")
            #expect(empty.text.contains("href=\"/install\" aria-current=\"page\""), "in the navigation")
            let token = try #require(empty.field("_csrf"))

            // A refused token comes back with the api's reason by its field and what was typed.
            let refused = try await web.post(
                "/install/tokens", form: ["_csrf": token, "name": "Rack 4", "duration_minutes": "90", "max_usage": "1"], as: admins)
            #expect(
                refused.status == .badRequest && refused.text.contains("<p class=\"field-error\" id=\"duration-error\">must be between 1 and 60</p>"),
                "\(refused.text.prefix(3000))")
            #expect(
                refused.text.contains("aria-describedby=\"duration-error\"") && refused.text.contains("value=\"Rack 4\"")
                    && refused.text.contains("value=\"90\""))
            admins.set("optralis_lang", "fr")
            let enFrancais = try await web.post(
                "/install/tokens", form: ["_csrf": token, "name": "Rack 4", "duration_minutes": "15", "max_usage": "plenty"], as: admins)
            #expect(
                enFrancais.text.contains("<p class=\"field-error\" id=\"max-usage-error\">doit être un nombre entier</p>"), "\(enFrancais.text.prefix(3000))")
            let outOfRange = try await web.post(
                "/install/tokens", form: ["_csrf": token, "name": "Rack 4", "duration_minutes": "15", "max_usage": "10001"], as: admins)
            #expect(outOfRange.text.contains("<p class=\"field-error\" id=\"max-usage-error\">doit être entre 0 et 10000</p>"))
            admins.set("optralis_lang", "en")

            // Created: the secret and each platform's command, shown once, selectable, with copy buttons.
            let created = try await web.post(
                "/install/tokens", form: ["_csrf": token, "name": "Rack 4", "duration_minutes": "30", "max_usage": "3", "allow_reenrolment": "on"],
                as: admins)
            #expect(created.status == .ok, "\(created.status) \(created.text.prefix(1000))")
            let secret = String(try #require(created.text.firstMatch(of: /<pre class="selectable" id="install-secret"[^>]*>([A-Za-z0-9_-]{43})<\/pre>/)?.1))
            #expect(created.text.contains("/install.sh | sudo sh</pre>") && created.text.contains("curl -fsSL "))
            #expect(created.text.contains("/install.ps1 | iex</pre>"), "\(created.text.prefix(3000))")
            #expect(created.text.components(separatedBy: secret).count == 2, "the secret is shown once, in no command")
            #expect(created.text.contains("Paste it into a PowerShell run as administrator"))
            #expect(created.text.contains("data-copy=\"install-linux\" hidden") && created.text.contains("data-copy=\"install-windows\" hidden"))
            let listed = try await web.get("/install", as: admins)
            #expect(listed.text.contains("<td>Rack 4</td><td class=\"num\">0 / 3</td>") && listed.text.contains("<td>yes</td>"), "\(listed.text.prefix(3000))")
            let id = String(try #require(listed.text.firstMatch(of: /href="\/install\/tokens\/([0-9a-f-]{36})\/revoke/)?.1))

            // The observer reads without a form; the api refuses what a forged post asks.
            let read = try await web.get("/install", as: observers)
            #expect(read.text.contains("Rack 4") && read.text.contains(checksum))
            #expect(!read.text.contains("data-admin-action") && !read.text.contains("/install/tokens\"") && !read.text.contains("/install/linux/"))
            #expect(!read.text.contains("/install/windows"))
            let observerToken = try #require(read.field("_csrf"))
            for path in ["/install/tokens/\(id)/revoke", "/install/linux/amd64", "/install/windows", "/install/tokens"] {
                let forged = try await web.post(
                    path, form: ["_csrf": observerToken, "name": "mine", "duration_minutes": "15", "max_usage": "1"], as: observers)
                #expect(forged.location == "/install?failed=FORBIDDEN", "\(path): \(forged.status) \(forged.location ?? "")")
            }
            #expect(try await web.get("/install?failed=FORBIDDEN", as: observers).text.contains("Your role does not allow this action."))

            // Revoking asks first, naming the token.
            let confirm = try await web.get("/install/tokens/\(id)/revoke?name=Rack%204", as: admins)
            #expect(confirm.text.contains("Revoke the install token “Rack 4”?"))
            #expect(try await web.post("/install/tokens/\(id)/revoke", form: ["_csrf": token], as: admins).location == "/install?done=revoked")
            let revoked = try await web.get("/install?done=revoked", as: admins)
            #expect(revoked.text.contains("Token revoked.") && !revoked.text.contains("Rack 4"))

            // The installer: the api's script, with a token and the CA written in, as a download.
            let download = try await web.post("/install/linux/arm64", form: ["_csrf": token], as: admins)
            #expect(download.status == .ok, "\(download.status) \(download.location ?? "") \(download.text.prefix(300))")
            #expect(download.headers[.contentDisposition] == #"attachment; filename="optralis-install-linux-arm64.sh""#)
            #expect(download.headers[.contentType]?.hasPrefix("text/x-shellscript") == true)
            #expect(download.text.contains("ARCH='arm64'") && download.text.contains("-----BEGIN CERTIFICATE-----"))
            #expect(download.text.firstMatch(of: /TOKEN=\$\{OPTRALIS_INSTALL_TOKEN:-'[A-Za-z0-9_-]{43}'\}/) != nil)
            #expect(try await web.get("/install", as: admins).text.contains("Installer linux"), "the installer's token is listed")
            #expect(try await web.post("/install/linux/amd64", form: ["_csrf": "forged"], as: admins).status == .forbidden)
            #expect(try await web.post("/install/linux/mips", form: ["_csrf": token], as: admins).status == .notFound)

            // The Windows installer: a PowerShell script, with its own token and the CA.
            let page = try await web.get("/install", as: admins)
            #expect(page.text.contains("<h2>Windows installer</h2>") && page.text.contains("action=\"/install/windows\""))
            let windows = try await web.post("/install/windows", form: ["_csrf": token], as: admins)
            #expect(windows.status == .ok, "\(windows.status) \(windows.location ?? "") \(windows.text.prefix(300))")
            #expect(windows.headers[.contentDisposition] == #"attachment; filename="optralis-install-windows.ps1""#)
            #expect(windows.text.firstMatch(of: /\$Token = '[A-Za-z0-9_-]{43}'/) != nil && windows.text.contains("$CaPem = '-----BEGIN CERTIFICATE-----"))
            #expect(try await web.get("/install", as: admins).text.contains("Installer windows"), "the installer's token is listed")
            #expect(try await web.post("/install/windows", form: ["_csrf": "forged"], as: admins).status == .forbidden)
        }
    }
}
