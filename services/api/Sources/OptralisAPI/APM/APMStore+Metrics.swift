import Foundation
import Hummingbird
import OptralisCore
import PostgresNIO

/// `GET /api/apm/applications/:id/metrics`: the probes over a period, in at most 120 buckets.
struct APMMetrics: ResponseEncodable {
    let applicationID: UUID
    let period: String
    let summary: Summary
    let points: [Point]

    enum Period: String, CaseIterable {
        case hour = "1h", day = "24h", week = "7d", month = "30d"
        var seconds: Int {
            switch self {
            case .hour: 3600
            case .day: 86_400
            case .week: 604_800
            case .month: 2_592_000
            }
        }
    }

    struct Summary: Encodable {
        /// Percent of probes that answered the expected status in time; nil without probes.
        let availability: Double?
        let responseTimeAvgMs: Double?
        let responseTimeP95Ms: Double?
        let checks: Int
        /// Journal lines of priority err or worse counted over the period (the unit's error rate), and per hour.
        let errorCount: Int?
        let errorsPerHour: Double?
        /// OTLP spans received per minute over the period (throughput); 0 without traces.
        let throughputPerMinute: Double
        let tlsDaysLeft: Int?
        enum CodingKeys: String, CodingKey {
            case availability, responseTimeAvgMs = "response_time_avg_ms", responseTimeP95Ms = "response_time_p95_ms", checks
            case errorCount = "error_count", errorsPerHour = "errors_per_hour", throughputPerMinute = "throughput_per_minute", tlsDaysLeft = "tls_days_left"
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(availability, forKey: .availability)
            try container.encode(responseTimeAvgMs, forKey: .responseTimeAvgMs)
            try container.encode(responseTimeP95Ms, forKey: .responseTimeP95Ms)
            try container.encode(checks, forKey: .checks)
            try container.encode(errorCount, forKey: .errorCount)
            try container.encode(errorsPerHour, forKey: .errorsPerHour)
            try container.encode(throughputPerMinute, forKey: .throughputPerMinute)
            try container.encode(tlsDaysLeft, forKey: .tlsDaysLeft)
        }
    }

    struct Point: Encodable {
        let at: Date
        let availability: Double
        let responseTimeMs: Double?
        let errorCount: Int?
        let checks: Int
        enum CodingKeys: String, CodingKey { case at, availability, responseTimeMs = "response_time_ms", errorCount = "error_count", checks }
    }

    enum CodingKeys: String, CodingKey { case applicationID = "application_id", period, summary, points }
}

extension APMStore {
    func metrics(applicationID: UUID, period: APMMetrics.Period, throughput: Double) async throws -> APMMetrics {
        let bucket = period.seconds / 120
        let rows = try await database.query(
            """
            SELECT date_bin(\(bucket) * INTERVAL '1 second', recorded_at, 'epoch'::timestamptz),
                   100.0 * avg(CASE WHEN up THEN 1 ELSE 0 END)::float8, avg(response_time_ms)::float8, sum(error_count)::int, count(*)::int
            FROM apm_probes WHERE application_id = \(applicationID) AND recorded_at > now() - \(period.seconds) * INTERVAL '1 second'
            GROUP BY 1 ORDER BY 1
            """, logger: logger
        ).decode((Date, Double, Double?, Int?, Int).self).collect()
        let summary = try await database.query(
            """
            SELECT 100.0 * avg(CASE WHEN up THEN 1 ELSE 0 END)::float8, avg(response_time_ms)::float8,
                   (percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms))::float8, count(*)::int, sum(error_count)::int,
                   (array_agg(tls_days_left ORDER BY recorded_at DESC) FILTER (WHERE tls_days_left IS NOT NULL))[1]
            FROM apm_probes WHERE application_id = \(applicationID) AND recorded_at > now() - \(period.seconds) * INTERVAL '1 second'
            """, logger: logger
        ).decode((Double?, Double?, Double?, Int, Int?, Int?).self).collect().first
        let errors = summary?.4
        return APMMetrics(
            applicationID: applicationID, period: period.rawValue,
            summary: .init(
                availability: summary?.0, responseTimeAvgMs: summary?.1, responseTimeP95Ms: summary?.2, checks: summary?.3 ?? 0, errorCount: errors,
                errorsPerHour: errors.map { Double($0) * 3600 / Double(period.seconds) }, throughputPerMinute: throughput, tlsDaysLeft: summary?.5),
            points: rows.map { .init(at: $0.0, availability: $0.1, responseTimeMs: $0.2, errorCount: $0.3, checks: $0.4) })
    }

    /// The probes the agent of `machineID` runs (its configuration reply): none while the
    /// client's licence is below Pro (its applications are kept for an upgrade).
    func probes(machineID: UUID, clientID: UUID) async throws -> [APMProbeTarget] {
        try await database.query(
            """
            SELECT a.id, a.url, a.interval_seconds, a.expected_status, a.timeout_seconds, a.journal_unit
            FROM apm_applications a JOIN clients c ON c.id = a.client_id JOIN license_types lt ON lt.code = c.license_type
            WHERE a.machine_id = \(machineID) AND a.client_id = \(clientID) AND lt.tier_level >= \(LicenceGate.Tier.pro.rawValue)
            ORDER BY a.id LIMIT 1000
            """, logger: logger
        ).decode((UUID, String, Int, Int, Int, String?).self).collect().map {
            APMProbeTarget(id: $0.0, url: $0.1, intervalSeconds: $0.2, expectedStatus: $0.3, timeoutSeconds: $0.4, journalUnit: $0.5)
        }
    }
}
