import Foundation
import Hummingbird
import HummingbirdTesting
import OptralisTestSupport
import Synchronization
import Testing

@Suite("Admin panel: OS requirements and Windows builds")
struct AdminSystemsPagesTests {
    /// endoflife.date's two feeds, as the api's own test of the refresh serves them.
    static let clientFeed = #"""
        [
          {"cycle":"11-25h2-w","releaseLabel":"11 25H2 (W)","releaseDate":"2025-09-30","eol":"2027-10-12","latest":"10.0.26200","lts":false},
          {"cycle":"11-24h2-w","releaseLabel":"11 24H2 (W)","releaseDate":"2024-10-01","eol":"2026-10-13","latest":"10.0.26100","lts":false},
          {"cycle":"11-24h2-iot-lts","releaseLabel":"11 24H2 (IoT LTS)","releaseDate":"2024-10-01","eol":"2034-10-10","latest":"10.0.26100","lts":true}
        ]
        """#
    static let serverFeed = #"""
        [{"cycle":"2025","releaseLabel":"2025 (LTSC)","releaseDate":"2024-11-01","eol":"2034-11-14","latest":"10.0.26100","lts":true}]
        """#

    @Test func a_super_admin_edits_the_requirements_and_refreshes_the_windows_builds() async throws {
        // The third-party feeds: a local double, which can be made to fail.
        let down = Switch()
        let router = Router()
        for (path, feed) in [("/windows.json", Self.clientFeed), ("/windows-server.json", Self.serverFeed)] {
            router.get(RouterPath(path)) { _, _ in
                down.on.withLock { $0 }
                    ? Response(status: .serviceUnavailable)
                    : Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: feed)))
            }
        }
        let feeds = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await feeds.test(.live) { server in
            let base = "http://127.0.0.1:\(server.port!)"
            try await WebHarness.run(apiEnvironment: ["WINDOWS_BUILDS_URLS": "\(base)/windows.json,\(base)/windows-server.json"]) { web in
                let root = WebHarness.Browser()
                #expect(try await web.logIn(try await web.seedUser(client: nil, role: "super_admin"), as: root).location == "/")
                let page = try await web.get("/admin/systems", as: root)
                #expect(page.status == .ok && page.text.contains("href=\"/admin/systems\" aria-current=\"page\""))
                #expect(page.text.contains("<option value=\"26100\">Windows 11 (24H2)</option>"), "the known builds are suggested")
                let token = try #require(page.field("_csrf"))

                let saved = try await web.post(
                    "/admin/systems/requirements",
                    form: [
                        "_csrf": token, "windows_client_enabled": "on", "windows_client_min_build": "19045", "windows_server_min_build": "0",
                        "linux_enabled": "on",
                        "unsupported_os_message": "Upgrade to Windows 10 22H2 first.",
                    ], as: root)
                #expect(saved.location == "/admin/systems?done=requirements", "\(saved.status) \(saved.text.prefix(2000))")
                let read = try await web.get("/admin/systems?done=requirements", as: root)
                #expect(
                    read.text.contains("Requirements saved.") && read.text.contains("value=\"19045\"")
                        && read.text.contains("Upgrade to Windows 10 22H2 first."))
                #expect(!read.text.contains("name=\"windows_server_enabled\" checked"), "Windows Server turned off")

                let negative = try await web.post(
                    "/admin/systems/requirements",
                    form: [
                        "_csrf": token, "windows_client_enabled": "on", "windows_client_min_build": "-1", "windows_server_min_build": "0",
                    ], as: root)
                #expect(
                    negative.status == .badRequest
                        && negative.text.contains(
                            "<p class=\"field-error\" id=\"client-build-error\">must be from 0 to 2147483647</p>"),
                    "\(negative.text.prefix(3000))")
                #expect(negative.text.contains("value=\"-1\""), "what was typed stays")
                let text = try await web.post(
                    "/admin/systems/requirements",
                    form: [
                        "_csrf": token, "windows_client_min_build": "0", "windows_server_min_build": "abc",
                    ], as: root)
                #expect(text.text.contains("<p class=\"field-error\" id=\"server-build-error\">must be an integer</p>"), "\(text.text.prefix(3000))")

                let refreshed = try await web.post("/admin/systems/windows-builds/refresh", form: ["_csrf": token], as: root)
                #expect(
                    refreshed.text.contains("Windows builds refreshed: 1 added,") && refreshed.text.contains("<td>Windows 11 (25H2)</td>"),
                    "\(refreshed.text.prefix(3000))")
                down.on.withLock { $0 = true }
                let failed = try await web.post("/admin/systems/windows-builds/refresh", form: ["_csrf": token], as: root)
                #expect(failed.text.contains("endoflife.date cannot be reached: the builds are unchanged."), "\(failed.text.prefix(3000))")
            }
        }
    }
}

/// A flag the test flips and the feed double reads.
final class Switch: Sendable {
    let on = Mutex(false)
}
