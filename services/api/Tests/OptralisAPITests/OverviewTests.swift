import Foundation
import OptralisTestSupport
import Testing

@Suite("Fleet overview")
struct OverviewTests {
    @Test func the_overview_counts_the_fleet_and_lists_its_problems_for_the_tenant_only() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let viewer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let other = try await api.seedClient()
            try await api.database.withClient { db in
                let ok = try await db.query(
                    """
                    INSERT INTO machines (client_id, hostname, os, os_version, agent_version, last_seen, health_score, cert_serial, cert_expires_at)
                    VALUES (\(client), 'ok-1', 'linux', 'Debian 12', '1.0.0', now(), 90, 'a1', now() + interval '300 days') RETURNING id
                    """, logger: testLogger
                ).decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                let full = try await db.query(
                    """
                    INSERT INTO machines (client_id, hostname, os, os_version, agent_version, last_seen, health_score, is_os_compliant, cert_serial, cert_expires_at)
                    VALUES (\(client), 'full-1', 'windows', 'Windows 10 Build 19044', '1.0.0', now(), 50, false, 'a2', now() + interval '5 days') RETURNING id
                    """, logger: testLogger
                ).decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                try await db.query(
                    "INSERT INTO machines (client_id, hostname, os, last_seen) VALUES (\(client), 'gone-1', 'linux', now() - interval '2 hours')",
                    logger: testLogger)
                try await db.query("INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(other), 'theirs', NULL)", logger: testLogger)
                try await db.query(
                    "INSERT INTO machine_collector_data (machine_id, collector, data) VALUES (\(full), 'storage', '{\"disks\":[{\"mount_point\":\"C:\\\\\",\"used_percent\":97.5}]}')",
                    logger: testLogger)
                try await db.query(
                    "INSERT INTO smart_data (machine_id, recorded_at, device, smart_status) VALUES (\(ok), now(), '/dev/sda', 'critical')", logger: testLogger)
                let rule = try await db.query(
                    "INSERT INTO alert_rules (client_id, name, metric, operator, threshold, severity) VALUES (\(client), 'CPU', 'cpu', '>', 90, 'critical') RETURNING id",
                    logger: testLogger
                ).decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                try await db.query(
                    "INSERT INTO alert_rule_history (client_id, rule_id, machine_id, rule_name, metric, operator, threshold, severity, triggered_value) VALUES (\(client), \(rule), \(full), 'CPU', 'cpu', '>', 90, 'critical', 95)",
                    logger: testLogger)
            }
            let overview = try await api.send(.get, "/api/overview", token: viewer)
            #expect(overview.status == .ok, "\(overview.text)")
            #expect(overview.json["total"] as? Int == 3 && overview.json["online"] as? Int == 2 && overview.json["offline"] as? Int == 1)
            #expect(overview.json["alerting"] as? Int == 1 && overview.json["average_health_score"] as? Double == 70)
            let versions = overview.json["agent_versions"] as? [[String: Any]]
            #expect(versions?.first?["name"] as? String == "1.0.0" && versions?.first?["count"] as? Int == 2)
            let problems = (overview.json["top_problems"] as? [[String: Any]] ?? []).map { "\($0["hostname"] ?? ""):\($0["problem"] ?? "")" }
            #expect(
                problems == ["ok-1:disk_failing", "gone-1:offline", "full-1:disk_full", "full-1:os_not_compliant", "full-1:certificate_expiring"], "\(problems)"
            )
        }
    }
}
