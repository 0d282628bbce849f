import Foundation
import OptralisTestSupport
import Testing

@Suite("Agent versions and OS requirements")
struct AgentCatalogTests {
    @Test func latest_version_and_requirements_are_public_and_requirements_are_edited_by_the_super_admin() async throws {
        try await APIHarness.run { api in
            #expect(try await api.send(.get, "/api/public/latest-version?platform=linux").status == .notFound)
            let checksum = String(repeating: "a", count: 64)
            try await api.sql(
                """
                INSERT INTO agent_versions (version, channel, platform, architecture, download_url, checksum_sha256, file_size_bytes, is_active, created_at) VALUES
                ('1.0.0', 'stable', 'linux', 'amd64', 'https://dl.test/1.0.0', \(checksum), 1000, false, now() - INTERVAL '2 days'),
                ('1.1.0', 'stable', 'linux', 'amd64', 'https://dl.test/1.1.0', \(checksum), 1100, true, now() - INTERVAL '1 day'),
                ('1.2.0-beta', 'beta', 'linux', 'amd64', 'https://dl.test/1.2.0', \(checksum), 1200, true, now())
                """)
            try await api.expireCachedAgentVersions()
            let latest = try await api.send(.get, "/api/public/latest-version?platform=linux&architecture=amd64")
            #expect(latest.status == .ok && latest.string("version") == "1.1.0", "the active stable version, not the retired one: \(latest.text)")
            #expect(latest.json["file_size_bytes"] as? Int == 1100)
            #expect(try await api.send(.get, "/api/public/latest-version?platform=linux&channel=beta").string("version") == "1.2.0-beta")
            #expect(try await api.send(.get, "/api/public/latest-version?platform=macos").code == "VALIDATION_ERROR")

            let requirements = try await api.send(.get, "/agent/requirements")
            #expect(requirements.json["linux_enabled"] as? Bool == true && requirements.json["windows_client_min_build"] as? Int == 0)
            let admin = try await api.login(try await api.seedUser(client: try await api.seedClient(), role: "admin").email).access
            let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
            let change: [String: Any] = [
                "windows_client_enabled": true, "windows_client_min_build": 17763, "windows_server_enabled": false, "windows_server_min_build": 0,
                "linux_enabled": true, "unsupported_os_message": "Windows 10 LTSC 2019 or later",
            ]
            #expect(try await api.send(.put, "/api/admin/agent-requirements", token: admin, json: change).status == .forbidden)
            let updated = try await api.send(.put, "/api/admin/agent-requirements", token: root, json: change)
            #expect(updated.json["windows_client_min_build"] as? Int == 17763 && updated.json["windows_server_enabled"] as? Bool == false)
            #expect(try await api.send(.get, "/agent/requirements").json["unsupported_os_message"] as? String == "Windows 10 LTSC 2019 or later")
        }
    }
}
