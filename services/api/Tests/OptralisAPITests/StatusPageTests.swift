import Foundation
import OptralisTestSupport
import Testing

@Suite("Public status page")
struct StatusPageTests {
    /// The start of the current half-day, as the status query cuts them: checks "a minute ago"
    /// fall into the previous half-day during the first minute after 00:00 and 12:00.
    static let halfDayStart = "(date_trunc('day', now()) + CASE WHEN extract(hour FROM now()) >= 12 THEN INTERVAL '12 hours' ELSE INTERVAL '0' END)"

    @Test func status_reports_services_uptime_fleet_and_incidents_without_authentication() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            try await api.sql(
                """
                INSERT INTO machines (client_id, hostname, last_seen, health_score) VALUES
                (\(client), 'up-1', now(), 90), (\(client), 'up-2', now() - INTERVAL '1 minute', 80), (\(client), 'down', now() - INTERVAL '2 hours', 40)
                """)
            try await api.sql(
                """
                INSERT INTO service_uptime (service_name, status, response_time_ms, checked_at) VALUES
                ('ai', 'offline', NULL, GREATEST(now() - INTERVAL '1 minute', \(unescaped: Self.halfDayStart))),
                ('ai', 'online', 120, GREATEST(now() - INTERVAL '30 seconds', \(unescaped: Self.halfDayStart) + INTERVAL '1 millisecond')),
                ('ai', 'offline', NULL, now() - INTERVAL '10 days')
                """)
            try await api.sql(
                "INSERT INTO service_incidents (service_name, status, started_at, resolved_at) VALUES ('ai', 'offline', now() - INTERVAL '2 minutes', now() - INTERVAL '30 seconds')"
            )

            let status = try await api.send(.get, "/status")
            #expect(status.status == .ok, "\(status.text)")
            #expect(status.headers[.cacheControl] == "public, max-age=60")
            let services = try #require(status.json["services"] as? [String: [String: Any]])
            #expect(Set(services.keys) == ["api", "database", "ai"])
            #expect(services["database"]?["status"] as? String == "online")
            #expect(services["ai"]?["status"] as? String == "online", "the latest check")
            #expect(services["ai"]?["response_time_ms"] as? Int == 120)
            let uptime = try #require(services["ai"]?["uptime_15d"] as? [Double])
            #expect(uptime.count == 30, "two values a day for 15 days")
            #expect(uptime.last == 50, "one check of two failed in the current half-day")
            #expect(uptime.filter { $0 == 0 }.count == 1, "the half-day 10 days ago had only a failure")
            #expect((services["api"]?["uptime_15d"] as? [Double])?.allSatisfy { $0 == 100 } == true, "no data counts as available")
            let metrics = try #require(status.json["metrics"] as? [String: Any])
            #expect(metrics["total_machines"] as? Int == 3)
            #expect(metrics["online_machines"] as? Int == 2)
            #expect(metrics["offline_machines"] as? Int == 1)
            #expect(metrics["average_health_score"] as? Double == 70)

            try await api.sql("DELETE FROM machines")
            let cached = try await api.send(.get, "/status")
            #expect((cached.json["metrics"] as? [String: Any])?["total_machines"] as? Int == 3, "served from the 60-second cache")

            let incidents = try await api.send(.get, "/status/incidents")
            let list = try #require(incidents.json["incidents"] as? [[String: Any]])
            #expect(list.count == 1 && list.first?["service_name"] as? String == "ai" && list.first?["resolved_at"] is String)
        }
    }
}
