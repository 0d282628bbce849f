import Foundation
@testable import OptralisAI
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("metric_baselines: measured in SQL, stored per machine and metric")
struct BaselineStoreTests {
    let now = SyntheticSeries.now

    /// Two clients with a machine each, on a database of the test's own.
    func withMachines(_ body: @Sendable (PostgresClient, _ client: UUID, _ machine: UUID, _ otherClient: UUID, _ otherMachine: UUID) async throws -> Void)
        async throws
    {
        try await AIDatabase.run { db in
            let client = try await Seed.client(db, name: "Acme")
            let other = try await Seed.client(db, name: "Globex")
            let machine = try await db.insertID("INSERT INTO machines (client_id, hostname) VALUES (\(client), 'srv-01') RETURNING id")
            let otherMachine = try await db.insertID("INSERT INTO machines (client_id, hostname) VALUES (\(other), 'gx-01') RETURNING id")
            try await body(db, client, machine, other, otherMachine)
        }
    }

    /// Writes `cpu` and `ram` samples (same times) to `metrics` and their hourly means to
    /// `metrics_hourly`, as the scheduler's roll-up job does; disk latency stays NULL.
    func insertMetrics(_ db: PostgresClient, machine: UUID, cpu: [Sample], ram: [Double]) async throws {
        try await db.query(
            """
            INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent)
            SELECT \(machine), t, c, r FROM unnest(\(cpu.map(\.time))::timestamptz[], \(cpu.map(\.value))::float8[], \(ram)::float8[]) AS x(t, c, r)
            """, logger: testLogger)
        try await db.query(
            """
            INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, ram_avg, disk_latency_avg, sample_count)
            SELECT machine_id, date_trunc('hour', recorded_at), avg(cpu_percent), avg(ram_percent), avg(disk_latency_ms), count(*)
            FROM metrics WHERE machine_id = \(machine) GROUP BY 1, 2
            ON CONFLICT (machine_id, bucket) DO UPDATE SET cpu_avg = EXCLUDED.cpu_avg, ram_avg = EXCLUDED.ram_avg, sample_count = EXCLUDED.sample_count
            """, logger: testLogger)
    }

    /// Seven days of CPU alternating 40/50 hour by hour, then a last hour at `current`; RAM flat at 60 ± 1.
    func series(current: Double) -> (cpu: [Sample], ram: [Double]) {
        let hourStart = now.addingTimeInterval(-3600)
        let baseline = SyntheticSeries.make(days: 7, step: 3600, end: hourStart) { index, _ in index.isMultiple(of: 2) ? 40 : 50 }.dropLast()
        let lastHour = (0..<6).map { Sample(time: hourStart.addingTimeInterval(Double($0) * 600), value: current) }
        let cpu = Array(baseline) + lastHour
        return (cpu, cpu.indices.map { $0.isMultiple(of: 3) ? 61 : 59.5 })
    }

    @Test func sql_baselines_match_the_swift_definitions() async throws {
        try await withMachines { db, client, machine, _, _ in
            let (cpu, ram) = series(current: 80)
            try await insertMetrics(db, machine: machine, cpu: cpu, ram: ram)
            let store = BaselineStore(client: db, logger: testLogger)
            let measures = try await store.measure(clientID: client, machineIDs: [machine], now: now)
            #expect(measures.map(\.metric) == [.cpuPercent, .ramPercent], "no row for a metric without samples")

            // One sample an hour before the current hour: the hourly means are the samples themselves.
            let ramSamples = zip(cpu, ram).map { Sample(time: $0.time, value: $1) }
            for (measure, samples) in zip(measures, [cpu, ramSamples]) {
                let expected = try #require(Baseline(samples: samples, endingAt: now.addingTimeInterval(-3600)))
                let baseline = try #require(measure.baseline)
                #expect(baseline.sampleCount == expected.sampleCount && baseline.sampleCount == 168)
                #expect(abs(baseline.mean - expected.mean) < 1e-9)
                #expect(abs(baseline.standardDeviation - expected.standardDeviation) < 1e-9)
                #expect(abs(baseline.p95 - expected.p95) < 1e-9)
            }
            #expect(measures[0].current == 80)
        }
    }

    @Test func refresh_stores_the_drift_and_updates_it_in_place() async throws {
        try await withMachines { db, client, machine, _, _ in
            let (cpu, ram) = series(current: 80)
            try await insertMetrics(db, machine: machine, cpu: cpu, ram: ram)
            let store = BaselineStore(client: db, logger: testLogger)
            let refresh = DriftRefresh(store: store)
            try await refresh.refresh(clientID: client, machineIDs: [machine], now: now)

            let stored = try await store.stored(clientID: client, machineID: machine)
            #expect(stored.map(\.metric) == [.cpuPercent, .ramPercent])
            let cpuRow = try #require(stored.first)
            // 168 hourly means alternating ±5 around 45: sample deviation 5 × √(168/167) = 5.015, z = 35 / 5.015.
            #expect(cpuRow.baselineMean == 45 && cpuRow.baselineStddev == 5.01 && cpuRow.baselineP95 == 50)
            #expect(cpuRow.currentValue == 80 && cpuRow.zScore == 6.98)
            #expect(cpuRow.driftDetected && cpuRow.driftSeverity == .critical)
            #expect(stored[1].driftDetected == false && stored[1].driftSeverity == nil)

            try await db.query(
                "UPDATE metric_baselines SET drift_explanation = 'Sauvegarde nocturne' WHERE machine_id = \(machine) AND metric_type = 'cpu_percent'",
                logger: testLogger)
            try await refresh.refresh(clientID: client, machineIDs: [machine], now: now)
            #expect(
                try await store.stored(clientID: client, machineID: machine).first?.driftExplanation == "Sauvegarde nocturne",
                "the explanation stays while the drift lasts")

            // An hour later the last hour is back to normal: the drift and its explanation end.
            let later = now.addingTimeInterval(3600)
            let calm = (1...6).map { Sample(time: now.addingTimeInterval(Double($0) * 600 - 1), value: 45) }
            try await insertMetrics(db, machine: machine, cpu: calm, ram: calm.map { _ in 60 })
            try await refresh.refresh(clientID: client, machineIDs: [machine], now: later)
            let updated = try await store.stored(clientID: client, machineID: machine)
            #expect(updated.count == 2)
            #expect(updated[0].currentValue == 45 && !updated[0].driftDetected && updated[0].driftSeverity == nil)
            #expect(updated[0].driftExplanation == nil)
        }
    }

    @Test func another_clients_machines_are_neither_measured_nor_written() async throws {
        try await withMachines { db, client, machine, otherClient, otherMachine in
            let (cpu, ram) = series(current: 80)
            try await insertMetrics(db, machine: otherMachine, cpu: cpu, ram: ram)
            let store = BaselineStore(client: db, logger: testLogger)
            #expect(try await store.measure(clientID: client, machineIDs: [otherMachine], now: now).isEmpty)
            let foreign = BaselineRecord(
                machineID: otherMachine, metric: .cpuPercent, baseline: Baseline(mean: 1, standardDeviation: 1, p95: 1, sampleCount: 100), current: 9)
            try await store.save(clientID: client, [foreign])
            #expect(try await store.stored(clientID: otherClient, machineID: otherMachine).isEmpty)
            try await DriftRefresh(store: store).refresh(clientID: otherClient, machineIDs: [otherMachine], now: now)
            #expect(try await store.stored(clientID: otherClient, machineID: otherMachine).count == 2)
            #expect(try await store.stored(clientID: client, machineID: otherMachine).isEmpty)
            #expect(try await store.measure(clientID: client, machineIDs: [machine], now: now).isEmpty, "no metrics, no measure")
        }
    }

    @Test func a_baseline_without_a_current_hour_is_stored_without_a_verdict() async throws {
        try await withMachines { db, client, machine, _, _ in
            let (cpu, ram) = series(current: 80)
            try await insertMetrics(db, machine: machine, cpu: Array(cpu.dropLast(6)), ram: Array(ram.dropLast(6)))
            let records = try await DriftRefresh(store: BaselineStore(client: db, logger: testLogger))
                .refresh(clientID: client, machineIDs: [machine], now: now)
            #expect(records.count == 2)
            #expect(records.allSatisfy { $0.currentValue == nil && $0.zScore == nil && !$0.driftDetected })
        }
    }
}
