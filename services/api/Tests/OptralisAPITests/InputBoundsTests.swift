import Foundation
import HTTPTypes
import NIOCore
import OptralisTestSupport
import Testing

/// The requests of issue 16 that stopped the api (an overflow traps the whole process) or
/// answered 500: each is now a 400 naming its field, and the api still answers afterwards.
@Suite("Input bounds: no request traps the api or reaches PostgreSQL out of range")
struct InputBoundsTests {
    static let huge = "1152921504606846975"

    @Test func paging_beyond_any_list_is_400_and_the_api_lives_on() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
            let requests: [(String, String)] = [
                ("/api/notifications/history?page=\(Self.huge)", observer),
                ("/api/machines?page=9223372036854775807&limit=2", observer),
                ("/api/machines?page=-9223372036854775808", observer),
                ("/api/machines?limit=99999999999999999999999", observer),
                ("/api/admin/activity?page=\(Self.huge)", root),
                ("/api/admin/machines/all?page=\(Self.huge)", root),
                ("/api/admin/certificates?offset=\(Self.huge)", root),
                ("/api/alert-rules/history?offset=\(Self.huge)", observer),
            ]
            for (path, token) in requests {
                let reply = try await api.send(.get, path, token: token)
                #expect(reply.status == .badRequest && reply.code == "VALIDATION_ERROR", "\(path): \(reply.text)")
                let field = path.contains("offset") ? "offset" : path.contains("limit=9") ? "limit" : "page"
                #expect(reply.string("error")?.hasPrefix(field) == true, "\(path): \(reply.text)")
            }
            let last = try await api.send(.get, "/api/notifications/history?page=1000000&limit=200", token: observer)
            #expect(last.status == .ok && (last.json["history"] as? [Any])?.isEmpty == true, "the last page allowed is an empty page, \(last.text)")
            #expect(try await api.send(.get, "/health").status == .ok)
        }
    }

    @Test func integers_beyond_their_column_are_400_naming_the_field() async throws {
        try await APIHarness.run { api in
            let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
            let licence: [String: Any] = [
                "code": "bounded_plan", "name": "Bounded", "tier_level": 17_592_186_044_417, "max_machines": 42, "metrics_retention_days": 60,
                "events_retention_days": 45, "ai_monthly_quota": 10, "is_active": true,
            ]
            let tooHigh = try await api.send(.post, "/api/admin/license-types", token: root, json: licence)
            #expect(
                tooHigh.status == .badRequest && tooHigh.code == "VALIDATION_ERROR" && tooHigh.string("error")?.hasPrefix("tier_level") == true,
                "\(tooHigh.text)")
            var valid = licence
            valid["tier_level"] = 3
            let created = try await api.send(.post, "/api/admin/license-types", token: root, json: valid)
            let id = try #require(created.string("id"), "\(created.text)")
            var bigger = valid
            bigger["max_machines"] = 38_412_168_750
            let update = try await api.send(.put, "/api/admin/license-types/\(id)", token: root, json: bigger)
            #expect(update.status == .badRequest && update.string("error")?.hasPrefix("max_machines") == true, "\(update.text)")

            let requirements: [String: Any] = [
                "windows_client_enabled": true, "windows_client_min_build": 5_644_423_784, "windows_server_enabled": false,
                "windows_server_min_build": 0, "linux_enabled": true, "unsupported_os_message": "",
            ]
            let build = try await api.send(.put, "/api/admin/agent-requirements", token: root, json: requirements)
            #expect(build.status == .badRequest && build.string("error")?.hasPrefix("windows_client_min_build") == true, "\(build.text)")

            // Beyond Swift's Int: the decoder says so instead of Foundation's wording.
            let body =
                #"{"code":"x_plan","name":"X","tier_level":1e30,"metrics_retention_days":1,"events_retention_days":1,"ai_monthly_quota":0,"is_active":true}"#
            let overflow = try await api.client.execute(
                uri: "/api/admin/license-types", method: .post,
                headers: [.authorization: "Bearer \(root)", .contentType: "application/json", HTTPField.Name("X-Real-IP")!: api.ip],
                body: ByteBuffer(string: body)
            ) { APIHarness.Reply(status: $0.status, headers: $0.headers, body: $0.body) }
            #expect(overflow.status == .badRequest && overflow.string("error") == "tier_level is out of range", "\(overflow.text)")
        }
    }

    @Test func nul_characters_are_refused_in_urls_and_bodies() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
            for path in ["/api/admin/certificates?search=%21%00", "/api/admin/machines/all?search=ab%00cd"] {
                let reply = try await api.send(.get, path, token: root)
                #expect(reply.status == .badRequest && reply.code == "VALIDATION_ERROR", "\(path): \(reply.text)")
            }
            let group = try await api.send(.post, "/api/groups", token: admin, json: ["name": "web\u{0}servers"])
            #expect(group.status == .badRequest && group.string("error") == "name must not contain NUL characters (\\u0000)", "\(group.text)")
            let escapedBackslash = try await api.send(.post, "/api/groups", token: admin, json: ["name": #"C:\u0000"#])
            #expect(escapedBackslash.status == .created, "a backslash followed by u0000 is text, not a NUL: \(escapedBackslash.text)")
        }
    }

    @Test func lengths_count_code_points_as_postgresql_does() async throws {
        try await APIHarness.run { api in
            let admin = try await api.login(try await api.seedUser(client: try await api.seedClient(), role: "admin").email).access
            // "é" as e + U+0301: one character for Swift, two for VARCHAR(50).
            let fits = String(repeating: "e\u{301}", count: 25)
            let created = try await api.send(.post, "/api/groups", token: admin, json: ["name": fits])
            #expect(created.status == .created, "\(created.text)")
            let tooLong = String(repeating: "e\u{301}", count: 26)
            let refused = try await api.send(.post, "/api/groups", token: admin, json: ["name": tooLong])
            #expect(refused.status == .badRequest && refused.code == "VALIDATION_ERROR", "52 code points in VARCHAR(50): \(refused.text)")
        }
    }

    @Test func path_parameters_are_percent_decoded() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            try await api.sql("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'pc-josé')")
            let machine = try await api.send(.get, "/api/machines/by-hostname/pc-jos%C3%A9", token: observer)
            #expect(machine.status == .ok, "\(machine.text)")
            #expect(try await api.send(.get, "/api/machines/by-hostname/pc%2Djos%C3%A9/metrics", token: observer).status == .ok)
            #expect(try await api.send(.get, "/api/machines/by-hostname/pc-jos%C3", token: observer).code == "VALIDATION_ERROR")
        }
    }

    @Test func decoding_errors_name_the_field_in_plain_words() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let root = try await api.login(try await api.seedUser(client: nil, role: "super_admin").email).access
            let missing = try await api.send(.put, "/api/admin/clients/\(client)/extend", token: root, json: [:])
            #expect(missing.status == .badRequest && missing.string("error") == "days is required", "\(missing.text)")
            let wrongType = try await api.send(.post, "/api/groups", token: admin, json: ["name": 5])
            #expect(wrongType.status == .badRequest && wrongType.string("error") == "name must be a string", "\(wrongType.text)")
            let notUUID = try await api.send(
                .post, "/api/alert-rules", token: admin,
                json: [
                    "name": "cpu", "metric": "cpu", "operator": ">", "threshold": 90, "severity": "warning", "machine_id": "abc",
                ])
            #expect(notUUID.status == .badRequest && notUUID.string("error") == "machine_id must be a UUID", "\(notUUID.text)")
            #expect(notUUID.code == "BAD_REQUEST")
        }
    }

    @Test func uuids_are_lowercase_and_slashes_unescaped_in_every_response() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let me = try await api.send(.get, "/api/me", token: admin)
            let id = try #require((me.json["user"] as? [String: Any])?["id"] as? String ?? me.string("id"), "\(me.text)")
            #expect(id == id.lowercased() && UUID(uuidString: id) != nil, "\(me.text)")
            let group = try await api.send(.post, "/api/groups", token: admin, json: ["name": "Web"])
            #expect(group.text.range(of: "[0-9A-F]{8}-[0-9A-F]{4}-", options: .regularExpression) == nil, "\(group.text)")
            let channel = try await api.send(
                .post, "/api/notifications/channels", token: admin,
                json: [
                    "type": "webhook_slack", "name": "Ops", "config": ["webhook_url": "http://127.0.0.1:9/services/T0/B0/xyz"],
                ])
            #expect(channel.status == .created, "\(channel.text)")
            #expect(!channel.text.contains(#"\/"#), "\(channel.text)")
        }
    }
}
