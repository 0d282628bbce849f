import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// The OTLP side of APM: spans in (`apm_spans`, a re-sent span stored once), traces out, and the
/// OTLP metric points (`apm_metric_points`). The caller has resolved the application (by key,
/// or by id within the caller's client).
struct APMTraceStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    private struct SpanRow: Encodable {
        let trace_id: String, span_id: String, parent_span_id: String?, name: String, kind: Int, service_name: String?
        let start_unix_nano: Int64, duration_ns: Int64, status_code: Int, status_message: String?, attributes: [String: OTLPValue]
    }

    /// Stores the spans in one statement; returns how many were new.
    func insert(_ spans: [OTLPSpan], applicationID: UUID) async throws -> Int {
        guard !spans.isEmpty else { return 0 }
        let rows = spans.map { span in
            SpanRow(
                trace_id: span.traceID, span_id: span.spanID, parent_span_id: span.parentSpanID, name: span.name, kind: span.kind,
                service_name: span.serviceName, start_unix_nano: Int64(span.startUnixNano),
                duration_ns: Int64(span.endUnixNano - span.startUnixNano), status_code: span.statusCode, status_message: span.statusMessage,
                attributes: span.attributes)
        }
        let json = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        return try await database.query(
            """
            WITH inserted AS (
                INSERT INTO apm_spans (application_id, trace_id, span_id, parent_span_id, name, kind, service_name, started_at, start_unix_nano,
                                       duration_ns, status_code, status_message, attributes)
                SELECT \(applicationID), r.trace_id, r.span_id, r.parent_span_id, r.name, r.kind, r.service_name,
                       'epoch'::timestamptz + (r.start_unix_nano / 1000) * INTERVAL '1 microsecond', r.start_unix_nano, r.duration_ns,
                       r.status_code, r.status_message, r.attributes
                FROM json_to_recordset(\(json)::json) AS r(trace_id text, span_id text, parent_span_id text, name text, kind int2, service_name text,
                     start_unix_nano int8, duration_ns int8, status_code int2, status_message text, attributes jsonb)
                ON CONFLICT (application_id, trace_id, span_id) DO NOTHING
                RETURNING 1
            )
            SELECT count(*)::int FROM inserted
            """, logger: logger
        ).decode(Int.self).collect().first ?? 0
    }

    /// A trace in the list: its root (or earliest) span, its extent, its size.
    struct TraceSummary: Codable, Sendable {
        let traceID: String
        let rootName: String
        let serviceName: String?
        let startedAt: Date
        let durationNs: Int64
        let spanCount: Int
        let errorCount: Int
        enum CodingKeys: String, CodingKey {
            case traceID = "trace_id", rootName = "root_name", serviceName = "service_name", startedAt = "started_at", durationNs = "duration_ns"
            case spanCount = "span_count", errorCount = "error_count"
        }
    }

    /// The latest traces (by their first span), at most `limit`, started within `hours`.
    func traces(applicationID: UUID, hours: Int, limit: Int) async throws -> [TraceSummary] {
        try await database.query(
            """
            SELECT trace_id, (array_agg(name ORDER BY parent_span_id IS NOT NULL, start_unix_nano))[1],
                   (array_agg(service_name ORDER BY parent_span_id IS NOT NULL, start_unix_nano))[1], min(started_at),
                   max(start_unix_nano + duration_ns) - min(start_unix_nano), count(*)::int, (count(*) FILTER (WHERE status_code = 2))::int
            FROM apm_spans WHERE application_id = \(applicationID) AND started_at > now() - \(hours) * INTERVAL '1 hour'
            GROUP BY trace_id ORDER BY min(started_at) DESC LIMIT \(limit)
            """, logger: logger
        ).decode((String, String, String?, Date, Int64, Int, Int).self).collect().map {
            TraceSummary(traceID: $0.0, rootName: $0.1, serviceName: $0.2, startedAt: $0.3, durationNs: $0.4, spanCount: $0.5, errorCount: $0.6)
        }
    }

    /// One trace's spans, by start time (at most ``APMTrace/maximumSpans``).
    func spans(applicationID: UUID, traceID: String) async throws -> [APMTrace.Span] {
        try await database.query(
            """
            SELECT span_id, parent_span_id, name, kind, service_name, start_unix_nano, duration_ns, status_code, status_message, attributes::text
            FROM apm_spans WHERE application_id = \(applicationID) AND trace_id = \(traceID)
            ORDER BY start_unix_nano, span_id LIMIT \(APMTrace.maximumSpans)
            """, logger: logger
        ).decode((String, String?, String, Int16, String?, Int64, Int64, Int16, String?, String).self).collect().map {
            APMTrace.Span(
                spanID: $0.0, parentSpanID: $0.1, name: $0.2, kind: Int($0.3), serviceName: $0.4, startUnixNano: $0.5, durationNs: $0.6,
                statusCode: Int($0.7), statusMessage: $0.8, attributes: (try? JSONDecoder().decode([String: OTLPValue].self, from: Data($0.9.utf8))) ?? [:])
        }
    }

    /// Spans received for the application per minute over the last `hours` (OTLP throughput).
    func spansPerMinute(applicationID: UUID, hours: Int) async throws -> Double {
        let count =
            try await database.query(
                "SELECT count(*)::int8 FROM apm_spans WHERE application_id = \(applicationID) AND started_at > now() - \(hours) * INTERVAL '1 hour'",
                logger: logger
            ).decode(Int64.self).collect().first ?? 0
        return Double(count) / Double(hours * 60)
    }

    private struct PointRow: Encodable {
        let name: String, kind: String, time_unix_nano: Int64, value: Double, attributes: [String: OTLPValue]
    }

    /// Stores OTLP gauge and sum points; returns how many.
    func insert(_ points: [OTLPMetricPoint], applicationID: UUID) async throws -> Int {
        guard !points.isEmpty else { return 0 }
        let rows = points.map {
            PointRow(name: $0.name, kind: $0.kind.rawValue, time_unix_nano: Int64(clamping: $0.timeUnixNano), value: $0.value, attributes: $0.attributes)
        }
        let json = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        try await database.query(
            """
            INSERT INTO apm_metric_points (application_id, name, kind, recorded_at, value, attributes)
            SELECT \(applicationID), r.name, r.kind, 'epoch'::timestamptz + (r.time_unix_nano / 1000) * INTERVAL '1 microsecond', r.value, r.attributes
            FROM json_to_recordset(\(json)::json) AS r(name text, kind text, time_unix_nano int8, value float8, attributes jsonb)
            """, logger: logger)
        return rows.count
    }
}
