import Foundation
import OptralisCore
import OptralisServer
import OptralisTestSupport
import Testing

@testable import OptralisAPI

@Suite("Machine metrics history")
struct MachineHistoryTests {
    @Test func long_ranges_read_the_hourly_rollups_and_fall_back_to_one_raw_sample_per_hour() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let viewer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let machine = try await api.seedMachine(client: client, hostname: "Web-01")
            // Four hours of samples, three an hour (metrics rows, and network rows with no CPU).
            try await api.sql(
                """
                INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent, cpu_temp)
                SELECT \(machine), date_trunc('hour', now()) - h * interval '1 hour' + m * interval '10 minutes', 10 * h + m, 50, 40
                FROM generate_series(0, 3) AS h, generate_series(1, 3) AS m WHERE date_trunc('hour', now()) - h * interval '1 hour' + m * interval '10 minutes' < now()
                """)
            try await api.sql(
                """
                INSERT INTO metrics (machine_id, recorded_at, bytes_recv, bytes_sent, latency_ms, packet_loss)
                SELECT \(machine), now() - m * interval '5 minutes', 1000 * m, 500, 12, 0 FROM generate_series(1, 3) AS m
                """)
            let week = try await api.send(.get, "/api/machines/by-hostname/web-01/metrics?range=7d", token: viewer)
            #expect(week.status == .ok, "\(week.text)")
            let weekPoints = week.json["points"] as? [[String: Any]] ?? []
            let hours = try await api.database.withClient { db in
                try await db.query(
                    "SELECT count(DISTINCT date_trunc('hour', recorded_at))::int FROM metrics WHERE machine_id = \(machine) AND cpu_percent IS NOT NULL",
                    logger: testLogger
                )
                .decode(Int.self).reduce(into: 0) { $0 = $1 }
            }
            #expect(week.string("source") == "raw" && weekPoints.count == hours, "fewer than 5 hourly points: one raw sample per hour")
            #expect(weekPoints.allSatisfy { $0["cpu_min"] == nil }, "raw samples have no min/max")

            try await api.sql(
                """
                INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, cpu_min, cpu_max, ram_avg, ram_min, ram_max, sample_count)
                SELECT \(machine), date_trunc('hour', now()) - h * interval '1 hour', 30, 10, 90, 50, 45, 55, 360 FROM generate_series(1, 6) AS h
                """)
            try await api.sql(
                """
                INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, sample_count) VALUES (\(machine), now() - interval '40 days', 99, 1)
                """)
            let rolled = try await api.send(.get, "/api/machines/by-hostname/WEB-01/metrics?range=7d", token: viewer)
            let rolledPoints = rolled.json["points"] as? [[String: Any]] ?? []
            #expect(rolled.string("source") == "hourly" && rolledPoints.count == 6, "\(rolled.text)")
            #expect(rolledPoints.first?["cpu_max"] as? Double == 90 && rolledPoints.first?["cpu_percent"] as? Double == 30)

            let hour = try await api.send(.get, "/api/machines/by-hostname/web-01/metrics?range=1h", token: viewer)
            let recent = try await api.database.withClient { db in
                try await db.query(
                    "SELECT count(*)::int FROM metrics WHERE machine_id = \(machine) AND cpu_percent IS NOT NULL AND recorded_at > now() - interval '1 hour'",
                    logger: testLogger
                )
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

    @Test func disk_history_is_per_mount_point_with_the_same_ranges() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let viewer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let machine = try await api.seedMachine(client: client, hostname: "db-01")
            // Two mounts, a sample every 10 minutes for 3 hours; / fills up, /data stays at 40 %.
            try await api.sql(
                """
                INSERT INTO disk_info (machine_id, recorded_at, mount_point, used_percent)
                SELECT \(machine), now() - m * interval '10 minutes', mount, CASE WHEN mount = '/' THEN 90 - m ELSE 40 END
                FROM generate_series(1, 18) AS m, (VALUES ('/'), ('/data')) AS mounts(mount)
                """)
            let hour = try await api.send(.get, "/api/machines/by-hostname/db-01/disk-metrics?range=1h", token: viewer)
            #expect(hour.status == .ok, "\(hour.text)")
            let hourPoints = hour.json["points"] as? [[String: Any]] ?? []
            #expect(hourPoints.count == 10, "five samples per mount in the last hour: \(hour.text.prefix(400))")
            #expect(hourPoints.last?["mount_point"] as? String == "/data" && hourPoints.last?["used_percent"] as? Double == 40)
            #expect(hourPoints.first(where: { $0["mount_point"] as? String == "/" })?["used_percent"] as? Double == 85)

            let day = try await api.send(.get, "/api/machines/by-hostname/db-01/disk-metrics", token: viewer)
            let dayPoints = day.json["points"] as? [[String: Any]] ?? []
            #expect(day.string("range") == "24h" && day.string("source") == "raw")
            #expect(Set(dayPoints.compactMap { $0["mount_point"] as? String }) == ["/", "/data"])
            #expect(
                dayPoints.filter { $0["mount_point"] as? String == "/" }.allSatisfy {
                    ($0["used_percent_max"] as? Double ?? 0) >= ($0["used_percent"] as? Double ?? 100)
                })

            try await api.sql(
                """
                INSERT INTO disk_hourly (machine_id, bucket, mount_point, disk_usage_avg, disk_usage_max, sample_count)
                SELECT \(machine), date_trunc('hour', now()) - h * interval '1 hour', '/', 70, 75, 6 FROM generate_series(1, 6) AS h
                """)
            let week = try await api.send(.get, "/api/machines/by-hostname/db-01/disk-metrics?range=7d", token: viewer)
            let weekPoints = week.json["points"] as? [[String: Any]] ?? []
            #expect(
                week.string("source") == "hourly" && weekPoints.count == 6 && weekPoints.first?["used_percent_max"] as? Double == 75, "\(week.text.prefix(300))"
            )

            let other = try await api.seedClient()
            let stranger = try await api.login(try await api.seedUser(client: other, role: "admin").email).access
            #expect(try await api.send(.get, "/api/machines/by-hostname/db-01/disk-metrics", token: stranger).status == .notFound)
        }
    }

    @Test func events_are_newest_first_filtered_by_severity_and_paged() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let viewer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let machine = try await api.seedMachine(client: client, hostname: "app-01")
            // 40 events, one a minute, cycling through the four levels (newest: i = 1, critical).
            try await api.sql(
                """
                INSERT INTO event_logs (machine_id, recorded_at, log_name, source, level, message)
                SELECT \(machine), now() - i * interval '1 minute', 'journal', 'sshd',
                    (ARRAY['info', 'critical', 'error', 'warning'])[i % 4 + 1], 'event ' || i
                FROM generate_series(1, 40) AS i
                """)
            let path = "/api/machines/\(machine.uuidString.lowercased())/events"
            let all = try await api.send(.get, path, token: viewer)
            #expect(all.status == .ok, "\(all.text)")
            let events = all.json["events"] as? [[String: Any]] ?? []
            #expect(events.count == 40 && events.first?["message"] as? String == "event 1" && events.first?["level"] as? String == "critical")
            #expect(all.json["next_before"] == nil, "one page holds them all")

            let serious = try await api.send(.get, "\(path)?level=error", token: viewer)
            let seriousLevels = (serious.json["events"] as? [[String: Any]] ?? []).compactMap { $0["level"] as? String }
            #expect(seriousLevels.count == 20 && Set(seriousLevels) == ["critical", "error"], "error keeps errors and critical events")

            let first = try await api.send(.get, "\(path)?limit=15", token: viewer)
            let next = try #require(first.string("next_before"))
            let second = try await api.send(.get, "\(path)?limit=15&before=\(next.replacingOccurrences(of: "+", with: "%2B"))", token: viewer)
            let secondMessages = (second.json["events"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
            #expect(secondMessages.first == "event 16" && secondMessages.count == 15, "\(second.text.prefix(300))")

            for bad in ["?level=debug", "?limit=0", "?limit=501", "?before=yesterday"] {
                let refused = try await api.send(.get, path + bad, token: viewer)
                #expect(refused.status == .badRequest && refused.code == "VALIDATION_ERROR", "\(bad): \(refused.text)")
            }
            #expect(try await api.send(.get, "/api/machines/not-a-uuid/events", token: viewer).status == .badRequest)
            let other = try await api.seedClient()
            let stranger = try await api.login(try await api.seedUser(client: other, role: "admin").email).access
            #expect(try await api.send(.get, path, token: stranger).status == .notFound, "another tenant learns nothing")
        }
    }
}

@Suite("History answers written byte by byte")
struct HistoryJSONTests {
    struct Answer<Point: Encodable>: Encodable {
        let hostname: String
        let range: String
        let source: String
        let points: [Point]
    }

    func same(_ written: [UInt8], _ encoded: Data) throws -> Bool {
        let left = try JSONSerialization.jsonObject(with: Data(written)) as? NSDictionary
        let right = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
        return left != nil && left == right
    }

    @Test func the_bytes_say_what_the_json_encoder_says() throws {
        var generator = SystemRandomNumberGenerator()
        func value() -> Double? {
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: nil
            case 1: Double(Int.random(in: -5...100, using: &generator))
            case 2: Double.random(in: 0...100, using: &generator)
            default: Double.random(in: -1e12...1e12, using: &generator)
            }
        }
        func time() -> Date { Date(timeIntervalSince1970: Double(Int.random(in: 0...4_000_000_000, using: &generator)) + 0.75) }
        for round in 0..<50 {
            let metrics = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                MachineHistoryStore.MetricPoint(
                    time: time(), cpuPercent: value(), ramPercent: value(), cpuTemp: value(), cpuMin: value(), cpuMax: value(), ramMin: value(), ramMax: value()
                )
            }
            let disks = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                MachineHistoryStore.DiskPoint(
                    time: time(), mountPoint: ["/", "C:\\", "/mnt/\"q\"", "/tab\there", "/é", "/\u{1}"].randomElement(using: &generator)!,
                    usedPercent: value(), usedPercentMax: value())
            }
            let host = "srv-\"\(round)\"\\é"
            #expect(
                try same(
                    HistoryJSON.encode(hostname: host, range: "30d", source: "hourly", points: metrics),
                    ResponseJSON.encode(Answer(hostname: host, range: "30d", source: "hourly", points: metrics))), "round \(round)")
            #expect(
                try same(
                    HistoryJSON.encode(hostname: host, range: "1h", source: "raw", points: disks),
                    ResponseJSON.encode(Answer(hostname: host, range: "1h", source: "raw", points: disks))), "round \(round)")
        }
    }
}
