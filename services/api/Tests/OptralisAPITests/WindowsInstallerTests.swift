import Foundation
@testable import OptralisAPI
import OptralisTestSupport
import PostgresNIO
import Testing

/// `GET /install.ps1`, `GET /api/installer/windows` and `GET /api/install-tokens/windows/active`
/// against the real api. No PowerShell can be had here (no Windows; neither Debian nor PyPI ships
/// `pwsh`), so the script itself is only checked for what it must hold and for its shape
/// (``PowerShellShape``), not run.
@Suite("Windows installer")
struct WindowsInstallerTests {
    @Test func the_public_script_asks_for_the_token_checks_the_build_and_installs_a_service() async throws {
        try await APIHarness.run { api in
            let reply = try await api.send(.get, "/install.ps1")
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "text/plain; charset=utf-8", "Invoke-RestMethod gives iex a string for text/*")
            #expect(reply.headers[.contentDisposition] == nil)
            let script = reply.text
            #expect(script.contains("$Server = 'https://monitoring.test'") && script.contains("$Token = ''") && script.contains("$CaPem = ''"))
            for needed in [
                "GetEnvironmentVariable('OPTRALIS_INSTALL_TOKEN')", "Read-Host -Prompt 'Install token (Optralis: Machines, Add a machine)' -AsSecureString",
                "/api/public/latest-version?channel=stable&platform=windows&architecture=$Architecture",
                "Get-FileHash -Algorithm SHA256", "checksum mismatch", "New-Service -Name $ServiceName", "Start-Service",
                "install --server $Server --config-dir $ConfigDir --state-dir $StateDir --no-service", "WindowsBuiltInRole]::Administrator",
            ] {
                #expect(script.contains(needed), "missing: \(needed)")
            }
            #expect(!script.contains("--token") && !script.contains("-Token"), "the token goes to the agent in its environment")
            #expect(PowerShellShape.problems(script) == [], "\(PowerShellShape.problems(script))")
        }
    }

    @Test func values_are_powershell_quoted_in_one_pass() {
        let script = WindowsInstallerScript.render(server: "https://o'neil.test/@TOKEN@", token: "a'b")
        #expect(script.contains("$Server = 'https://o''neil.test/@TOKEN@'"), "a quote is doubled; a placeholder in a value stays text")
        #expect(script.contains("$Token = 'a''b'"))
        let quoted = WindowsInstallerScript.render(server: "https://o'neil.test", token: "'; Remove-Item C:\\ -Recurse; '")
        #expect(PowerShellShape.problems(quoted) == [], "the shape survives quotes in values")
        #expect(WindowsInstallerScript.command(server: "https://monitoring.test") == "irm https://monitoring.test/install.ps1 | iex")
    }

    @Test func the_downloaded_installer_carries_a_live_windows_token_and_the_ca_for_admins_only() async throws {
        try await APIHarness.runWithCA { api, _ in
            let (client, admin) = try await Self.admin(api, refusing: "/api/installer/windows")
            for bad in ["max_usage=10001", "max_usage=-1", "max_usage=x"] {
                let reply = try await api.send(.get, "/api/installer/windows?\(bad)", token: admin)
                #expect(reply.status == .badRequest && reply.code == "VALIDATION_ERROR", "\(bad): \(reply.text)")
            }
            #expect(try await Self.tokens(api, client: client).isEmpty, "nothing minted for a refused call")

            let download = try await api.send(.get, "/api/installer/windows", token: admin)
            #expect(download.status == .ok, "\(download.text)")
            #expect(download.headers[.contentDisposition] == #"attachment; filename="optralis-install-windows.ps1""#)
            let script = download.text
            let token = try #require(script.firstMatch(of: /\$Token = '([A-Za-z0-9_-]{43})'/)?.1).description
            #expect(script.contains("$CaPem = '-----BEGIN CERTIFICATE-----"))
            #expect(PowerShellShape.problems(script) == [], "\(PowerShellShape.problems(script))")
            #expect(try await Self.tokens(api, client: client) == [.init(platform: "windows", maxUsage: 1)])

            let enrolled = try await api.send(
                .post, "/api/public/bootstrap", json: ["token": token, "arch": "amd64", "hostname": "win-01", "os": "Windows Server 2022"])
            #expect(enrolled.status == .ok, "\(enrolled.text)")
            let again = try await api.send(.post, "/api/public/bootstrap", json: ["token": token, "arch": "amd64", "hostname": "win-02"])
            #expect(again.code == "INVALID_INSTALL_TOKEN", "single use by default")
        }
    }

    @Test func the_active_windows_token_is_a_fresh_one_for_admins_with_a_command_that_does_not_carry_it() async throws {
        try await APIHarness.runWithCA { api, _ in
            let (client, admin) = try await Self.admin(api, refusing: "/api/install-tokens/windows/active")
            for bad in [
                "duration_minutes=0", "duration_minutes=61", "max_usage=-1", "max_usage=10001", "max_usage=99999999999999999999999", "duration_minutes=abc",
            ] {
                let reply = try await api.send(.get, "/api/install-tokens/windows/active?\(bad)", token: admin)
                #expect(reply.status == .badRequest && reply.code == "VALIDATION_ERROR", "\(bad): \(reply.text)")
            }
            #expect(try await Self.tokens(api, client: client).isEmpty)

            let reply = try await api.send(.get, "/api/install-tokens/windows/active?max_usage=2&duration_minutes=30", token: admin)
            #expect(reply.status == .ok, "\(reply.text)")
            let token = try #require(reply.json["token"] as? [String: Any])
            let secret = try #require(token["token"] as? String)
            #expect(token["platform"] as? String == "windows" && token["max_usage"] as? Int == 2)
            let expires = try #require((token["expires_at"] as? String).flatMap(AIAutomationTests.date))
            #expect(expires.timeIntervalSinceNow > 29 * 60 && expires.timeIntervalSinceNow <= 30 * 60 + 5)
            #expect(reply.string("powershell_command") == "irm https://monitoring.test/install.ps1 | iex")
            #expect(!(reply.string("powershell_command") ?? secret).contains(secret) && !(reply.string("curl_command") ?? secret).contains(secret))

            // Each call is a new token: only a token's hash is kept, so none can be handed back.
            let second = try await api.send(.get, "/api/install-tokens/windows/active", token: admin)
            #expect((second.json["token"] as? [String: Any])?["token"] as? String != secret)
            #expect(try await Self.tokens(api, client: client).count == 2)
            let enrolled = try await api.send(.post, "/api/public/bootstrap", json: ["token": secret, "arch": "amd64", "hostname": "win-01"])
            #expect(enrolled.status == .ok, "\(enrolled.text)")
        }
    }

    /// A client and its admin's access token; `path` refuses the anonymous (401) and the client's observer (403).
    static func admin(_ api: APIHarness, refusing path: String) async throws -> (client: UUID, admin: String) {
        let client = try await api.seedClient()
        let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
        let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
        #expect(try await api.send(.get, path).status == .unauthorized)
        let refused = try await api.send(.get, path, token: observer)
        #expect(refused.status == .forbidden && refused.code == "FORBIDDEN", "\(path): \(refused.text)")
        return (client, admin)
    }

    struct StoredToken: Equatable {
        let platform: String
        let maxUsage: Int
    }

    static func tokens(_ api: APIHarness, client: UUID) async throws -> [StoredToken] {
        try await api.database.withClient { db in
            try await db.query("SELECT platform, max_usage FROM install_tokens WHERE client_id = \(client) ORDER BY created_at", logger: testLogger)
                .decode((String, Int).self).reduce(into: []) { $0.append(StoredToken(platform: $1.0, maxUsage: $1.1)) }
        }
    }
}

/// What can be checked of a PowerShell script without PowerShell: ASCII only (Windows PowerShell
/// 5.1 reads a file without a byte-order mark in the ANSI code page), no placeholder left, one
/// script block (`& { … }`), brackets balanced outside comments and strings, every string closed,
/// and no `exit`, which would close the console `irm … | iex` runs in.
enum PowerShellShape {
    static func problems(_ script: String) -> [String] {
        var found: [String] = []
        if !script.unicodeScalars.allSatisfy({ $0.isASCII }) { found.append("not ASCII") }
        if script.contains(/@[A-Z_]+@/) { found.append("a placeholder is left") }
        let code = script.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        if code.first != "& {" || code.last != "}" { found.append("not one script block") }
        if script.contains(/(?m)^\s*exit\b/) { found.append("exit closes the iex console") }
        var stack: [Character] = []
        var quote: Character?
        var comment = false
        var escaped = false
        let pairs: [Character: Character] = [")": "(", "}": "{", "]": "["]
        for character in script {
            if comment {
                comment = character != "\n"
                continue
            }
            if let open = quote {
                // In double quotes a backtick escapes; in single quotes '' is a quote, seen as close-then-open.
                if escaped { escaped = false } else if open == "\"" && character == "`" { escaped = true } else if character == open { quote = nil }
                continue
            }
            switch character {
            case "#": comment = true
            case "'", "\"": quote = character
            case "(", "{", "[": stack.append(character)
            case ")", "}", "]":
                if stack.popLast() != pairs[character] {
                    found.append("unbalanced \(character)")
                    return found
                }
            default: break
            }
        }
        if quote != nil { found.append("an unclosed string") }
        if !stack.isEmpty { found.append("unclosed \(stack)") }
        return found
    }
}
