import Foundation
import OptralisTestSupport
import Testing

@Suite("Fleet cache: Redis keys, invalidation on writes, and reads with Redis stopped")
struct FleetCacheTests {
    @Test func the_machine_list_and_count_are_cached_and_every_write_invalidates_them() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let redisURL = try TestEnvironment.variable("OPTRALIS_TEST_REDIS_URL")
            try await api.sql("INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), 'cache-01', now()), (\(client), 'cache-02', now())")
            let clientKey = client.uuidString.lowercased()

            func list() async throws -> [[String: Any]] {
                let reply = try await api.send(.get, "/api/machines", token: admin)
                #expect(reply.status == .ok, "\(reply.text)")
                return reply.json["machines"] as? [[String: Any]] ?? []
            }
            #expect(try await list().count == 2)
            #expect(try await RedisProbe.keys(url: redisURL, matching: "\(api.cachePrefix)machines:list:\(clientKey):*").count == 1, "machines:list:<client>")
            let settings = try await api.send(.get, "/api/settings", token: admin)
            #expect(settings.json["machine_count"] as? Int == 2, "\(settings.text)")
            #expect(try await RedisProbe.keys(url: redisURL, matching: "\(api.cachePrefix)machines:count:\(clientKey)").count == 1)
            #expect(try await RedisProbe.keys(url: redisURL, matching: "\(api.cachePrefix)client:id:\(clientKey)").count == 1)

            // A change behind the api's back is not seen until the entry expires: the list is cached.
            try await api.sql("UPDATE machines SET hostname = 'renamed-behind' WHERE hostname = 'cache-02'")
            #expect(try await list().contains { $0["hostname"] as? String == "cache-02" }, "served from the cache")

            // A write through the api invalidates the client's list and count.
            let id = try #require(try await list().first { $0["hostname"] as? String == "cache-01" }?["id"] as? String)
            #expect(try await api.send(.put, "/api/machines/\(id)/maintenance", token: admin, json: ["enabled": true]).status == .ok)
            let afterMaintenance = try await list()
            #expect(afterMaintenance.contains { $0["hostname"] as? String == "renamed-behind" }, "re-read after the write")
            #expect(afterMaintenance.first { $0["id"] as? String == id }?["maintenance_mode"] as? Bool == true)

            let group = try #require(try await api.send(.post, "/api/groups", token: admin, json: ["name": "Edge"]).string("id"))
            #expect(try await api.send(.put, "/api/machines/assign-group", token: admin, json: ["group_id": group, "machine_ids": [id]]).status == .ok)
            #expect(try await list().first { $0["id"] as? String == id }?["group_name"] as? String == "Edge", "group moves invalidate")

            #expect(try await api.send(.delete, "/api/machines/by-hostname/renamed-behind", token: admin).status == .ok)
            #expect(try await list().count == 1, "deletion invalidates the list")
            #expect(try await api.send(.get, "/api/settings", token: admin).json["machine_count"] as? Int == 1, "and the count")

            // Another client's entries are left alone, and never served across tenants.
            let other = try await api.seedClient()
            let stranger = try await api.login(try await api.seedUser(client: other, role: "admin").email).access
            #expect((try await api.send(.get, "/api/machines", token: stranger).json["machines"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func every_read_route_answers_from_postgresql_with_redis_stopped() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        try await APIHarness.run(redisURL: redis.url) { api in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            try await api.sql(
                """
                INSERT INTO machines (client_id, hostname, os, last_seen) VALUES (\(client), 'down-01', 'linux', now()), (\(client), 'down-02', 'linux', NULL)
                """)
            try await api.sql("INSERT INTO metrics (machine_id, recorded_at, cpu_percent) SELECT id, now(), 12.5 FROM machines WHERE hostname = 'down-01'")
            // Warm the cache, stop Redis, then add a machine: every read must come from PostgreSQL.
            #expect(try await api.send(.get, "/api/machines", token: admin).json["total"] as? Int == 2)
            await redis.stop()
            try await api.sql("INSERT INTO machines (client_id, hostname, os) VALUES (\(client), 'down-03', 'windows')")

            let id = try #require(
                (try await api.send(.get, "/api/machines?search=down-01", token: admin).json["machines"] as? [[String: Any]])?.first?["id"] as? String)
            let expectations: [(String, (APIHarness.Reply) -> Bool)] = [
                ("/api/machines", { $0.json["total"] as? Int == 3 }),
                ("/api/machines/\(id)", { ($0.json["machine"] as? [String: Any])?["hostname"] as? String == "down-01" }),
                ("/api/machines/by-hostname/DOWN-01", { ($0.json["machine"] as? [String: Any])?["id"] as? String == id }),
                ("/api/machines/by-hostname/down-01/inventory", { $0.json["hostname"] as? String == "down-01" }),
                ("/api/machines/by-hostname/down-01/metrics?range=1h", { $0.text.contains("12.5") }),
                ("/api/machines/by-hostname/down-01/risk-overrides", { ($0.json["overrides"] as? [Any])?.isEmpty == true }),
                ("/api/machines/\(id)/effective-intervals", { $0.json["source"] != nil }),
                ("/api/overview", { $0.json["total"] as? Int == 3 && $0.json["online"] as? Int == 1 }),
                ("/api/settings", { $0.json["machine_count"] as? Int == 3 }),
                ("/api/windows-versions", { ($0.json["client"] as? [String: Any])?["26100"] as? String == "Windows 11 (24H2)" }),
                ("/api/groups", { $0.text == "[]" }),
                ("/api/labels", { $0.status == .ok }),
                ("/api/collection-settings", { $0.status == .ok }),
                ("/api/export/machines", { $0.text.contains("down-03") }),
                ("/api/public/landing-stats", { ($0.json["total_machines"] as? Int ?? 0) >= 3 }),
            ]
            for (path, check) in expectations {
                let reply = try await api.send(.get, path, token: admin)
                #expect(reply.status == .ok && check(reply), "\(path) with Redis down: \(reply.status) \(reply.text.prefix(300))")
            }
        }
        await redis.stop()
    }
}
