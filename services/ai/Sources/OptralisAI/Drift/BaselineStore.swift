import Foundation
import Logging
import PostgresNIO

/// Measures baselines from the hourly roll-ups and keeps `metric_baselines`. Every query
/// takes the client id and only touches that client's machines.
struct BaselineStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// One machine's measures for one metric: the baseline of the 7 days before the current hour
    /// (nil below two samples) and the mean of the current hour (nil without a sample).
    struct Measure: Sendable, Equatable {
        var machineID: UUID
        var metric: BaselineMetric
        var baseline: Baseline?
        var current: Double?
    }

    /// The baseline is the 7 days of hourly means before the current hour (`metrics_hourly`,
    /// filled by the scheduler's roll-up job), computed in SQL with the same definitions as
    /// ``Baseline`` (mean, `stddev_samp`, `percentile_cont(0.95)`, i.e. linear interpolation);
    /// the current value is the mean of the last hour's raw samples. Comparing an hourly mean
    /// with the spread of hourly means is the right z-score, and a week of 10-second samples
    /// never leaves the database. One query for all the machines.
    func measure(clientID: UUID, machineIDs: [UUID], now: Date) async throws -> [Measure] {
        guard !machineIDs.isEmpty else { return [] }
        let hourStart = now.addingTimeInterval(-DriftAssessment.currentWindow)
        let windowStart = hourStart.addingTimeInterval(-Baseline.window)
        let rows = try await client.query(
            """
            WITH baseline AS (
                SELECT h.machine_id, k.metric, avg(k.v)::float8 AS mean, stddev_samp(k.v)::float8 AS deviation,
                       (percentile_cont(0.95) WITHIN GROUP (ORDER BY k.v))::float8 AS p95, count(*)::int AS samples
                FROM metrics_hourly h
                JOIN machines m ON m.id = h.machine_id AND m.client_id = \(clientID)
                CROSS JOIN LATERAL (VALUES ('cpu_percent', h.cpu_avg), ('ram_percent', h.ram_avg),
                                           ('disk_latency_ms', h.disk_latency_avg)) AS k(metric, v)
                WHERE h.machine_id = ANY(\(machineIDs)::uuid[]) AND h.bucket >= \(windowStart) AND h.bucket < \(hourStart)
                  AND k.v IS NOT NULL AND k.v NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)
                GROUP BY h.machine_id, k.metric
            ), current AS (
                SELECT s.machine_id, k.metric, avg(k.v)::float8 AS value
                FROM metrics s
                JOIN machines m ON m.id = s.machine_id AND m.client_id = \(clientID)
                CROSS JOIN LATERAL (VALUES ('cpu_percent', s.cpu_percent), ('ram_percent', s.ram_percent),
                                           ('disk_latency_ms', s.disk_latency_ms)) AS k(metric, v)
                WHERE s.machine_id = ANY(\(machineIDs)::uuid[]) AND s.recorded_at >= \(hourStart) AND s.recorded_at <= \(now)
                  AND k.v IS NOT NULL AND k.v NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)
                GROUP BY s.machine_id, k.metric
            )
            SELECT COALESCE(b.machine_id, c.machine_id), COALESCE(b.metric, c.metric), b.mean, b.deviation, b.p95, COALESCE(b.samples, 0), c.value
            FROM baseline b FULL JOIN current c ON c.machine_id = b.machine_id AND c.metric = b.metric
            ORDER BY 1, 2
            """, logger: logger)
        var measures: [Measure] = []
        for try await (machineID, name, mean, deviation, p95, count, current) in rows.decode(
            (UUID, String, Double?, Double?, Double?, Int, Double?).self)
        {
            guard let metric = BaselineMetric(rawValue: name) else { continue }
            var baseline: Baseline?
            if let mean, let deviation, let p95, count >= 2 {
                baseline = Baseline(mean: mean, standardDeviation: deviation, p95: p95, sampleCount: count)
            }
            measures.append(Measure(machineID: machineID, metric: metric, baseline: baseline, current: current))
        }
        return measures
    }

    /// Upserts the rows (one per machine and metric). An explanation survives while its drift
    /// lasts and is cleared when the drift ends. Rows for machines of another client are ignored.
    func save(clientID: UUID, _ records: [BaselineRecord]) async throws {
        guard !records.isEmpty else { return }
        let encoder = JSONEncoder()
        let json = String(decoding: try encoder.encode(records), as: UTF8.self)
        try await client.query(
            """
            INSERT INTO metric_baselines
                (machine_id, metric_type, baseline_mean, baseline_stddev, baseline_p95, current_value, z_score,
                 drift_detected, drift_severity, last_updated)
            SELECT r.machine_id, r.metric_type, r.baseline_mean, r.baseline_stddev, r.baseline_p95, r.current_value, r.z_score,
                   r.drift_detected, r.drift_severity, now()
            FROM jsonb_to_recordset(\(json)::jsonb) AS r(
                machine_id uuid, metric_type text, baseline_mean float8, baseline_stddev float8, baseline_p95 float8,
                current_value float8, z_score float8, drift_detected boolean, drift_severity text)
            JOIN machines m ON m.id = r.machine_id AND m.client_id = \(clientID)
            ON CONFLICT (machine_id, metric_type) DO UPDATE SET
                baseline_mean = EXCLUDED.baseline_mean, baseline_stddev = EXCLUDED.baseline_stddev,
                baseline_p95 = EXCLUDED.baseline_p95, current_value = EXCLUDED.current_value, z_score = EXCLUDED.z_score,
                drift_detected = EXCLUDED.drift_detected, drift_severity = EXCLUDED.drift_severity,
                drift_explanation = CASE WHEN EXCLUDED.drift_detected THEN metric_baselines.drift_explanation END,
                last_updated = EXCLUDED.last_updated
            """, logger: logger)
    }

    /// The stored rows of one of the client's machines, by metric.
    func stored(clientID: UUID, machineID: UUID) async throws -> [BaselineRecord] {
        let rows = try await client.query(
            """
            SELECT jsonb_build_object(
                'machine_id', b.machine_id, 'metric_type', b.metric_type, 'baseline_mean', b.baseline_mean::float8,
                'baseline_stddev', b.baseline_stddev::float8, 'baseline_p95', b.baseline_p95::float8,
                'current_value', b.current_value::float8, 'z_score', b.z_score::float8, 'drift_detected', b.drift_detected,
                'drift_severity', b.drift_severity, 'drift_explanation', b.drift_explanation)::text
            FROM metric_baselines b
            JOIN machines m ON m.id = b.machine_id AND m.client_id = \(clientID)
            WHERE b.machine_id = \(machineID)
            ORDER BY b.metric_type
            """, logger: logger)
        let decoder = JSONDecoder()
        var records: [BaselineRecord] = []
        for try await json in rows.decode(String.self) {
            records.append(try decoder.decode(BaselineRecord.self, from: Data(json.utf8)))
        }
        return records
    }
}
