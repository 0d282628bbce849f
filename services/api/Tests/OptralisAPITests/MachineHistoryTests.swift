import Foundation
import OptralisTestSupport
import Testing

@Suite("Machine metrics history")
struct MachineHistoryTests {
    @Test func long_ranges_read_the_hourly_rollups_and_fall_back_to_one_raw_sample_per_hour() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let viewer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let machine = try await api.database.withClient { db in
                try await db.query("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'Web-01') RETURNING id", logger: testLogger)
                    .decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
            }
            // Four hours of samples, three an hour (metrics rows, and network rows with no CPU).
            try await api.sql("""
                INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent, cpu_temp)
                SELECT \(machine), date_trunc('hour', now()) - h * interval '1 hour' + m * interval '10 minutes', 10 * h + m, 50, 40
                FROM generate_series(0, 3) AS h, generate_series(1, 3) AS m WHERE date_trunc('hour', now()) - h * interval '1 hour' + m * interval '10 minutes' < now()
                """)
            try await api.sql("""
                INSERT INTO metrics (machine_id, recorded_at, bytes_recv, bytes_sent, latency_ms, packet_loss)
                SELECT \(machine), now() - m * interval '5 minutes', 1000 * m, 500, 12, 0 FROM generate_series(1, 3) AS m
                """)
            let week = try await api.send(.get, "/api/machines/by-hostname/web-01/metrics?range=7d", token: viewer)
            #expect(week.status == .ok, "\(week.text)")
            let weekPoints = week.json["points"] as? [[String: Any]] ?? []
            let hours = try await api.database.withClient { db in
                try await db.query("SELECT count(DISTINCT date_trunc('hour', recorded_at))::int FROM metrics WHERE machine_id = \(machine) AND cpu_percent IS NOT NULL", logger: testLogger)
                    .decode(Int.self).reduce(into: 0) { $0 = $1 }
            }
            #expect(week.string("source") == "raw" && weekPoints.count == hours, "fewer than 5 hourly points: one raw sample per hour")
            #expect(weekPoints.allSatisfy { $0["cpu_min"] == nil }, "raw samples have no min/max")

            try await api.sql("""
                INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, cpu_min, cpu_max, ram_avg, ram_min, ram_max, sample_count)
                SELECT \(machine), date_trunc('hour', now()) - h * interval '1 hour', 30, 10, 90, 50, 45, 55, 360 FROM generate_series(1, 6) AS h
                """)
            try await api.sql("""
                INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, sample_count) VALUES (\(machine), now() - interval '40 days', 99, 1)
                """)
            let rolled = try await api.send(.get, "/api/machines/by-hostname/WEB-01/metrics?range=7d", token: viewer)
            let rolledPoints = rolled.json["points"] as? [[String: Any]] ?? []
            #expect(rolled.string("source") == "hourly" && rolledPoints.count == 6, "\(rolled.text)")
            #expect(rolledPoints.first?["cpu_max"] as? Double == 90 && rolledPoints.first?["cpu_percent"] as? Double == 30)

            let hour = try await api.send(.get, "/api/machines/by-hostname/web-01/metrics?range=1h", token: viewer)
            let recent = try await api.database.withClient { db in
                try await db.query("SELECT count(*)::int FROM metrics WHERE machine_id = \(machine) AND cpu_percent IS NOT NULL AND recorded_at > now() - interval '1 hour'", logger: testLogger)
                    .decode(Int.self).reduce(into: 0) { $0 = $1 }
            }
            #expect(hour.string("source") == "raw" && (hour.json["points"] as? [Any])?.count == recent)
            let network = try await api.send(.get, "/api/machines/by-hostname/web-01/network-metrics?range=1h", token: viewer)
            let networkPoints = network.json["points"] as? [[String: Any]] ?? []
            #expect(networkPoints.count == 3 && networkPoints.last?["bytes_recv"] as? Double == 1000, "\(network.text)")
            let day = try await api.send(.get, "/api/machines/by-hostname/web-01/network-metrics", token: viewer)
            #expect(day.string("range") == "24h" && (day.json["points"] as? [Any])?.isEmpty == false)

            let bad = try await api.send(.get, "/api/machines/by-hostname/web-01/metrics?range=2y", token: viewer)
            #expect(bad.status == .badRequest && bad.code == "VALIDATION_ERROR")
            // Another tenant's user cannot read it, nor learn it exists.
            let other = try await api.seedClient()
            let stranger = try await api.login(try await api.seedUser(client: other, role: "admin").email).access
            let hidden = try await api.send(.get, "/api/machines/by-hostname/web-01/metrics", token: stranger)
            #expect(hidden.status == .notFound)
        }
    }
}
