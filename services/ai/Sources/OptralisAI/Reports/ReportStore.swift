import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// `ai_reports`, scoped by client.
struct ReportStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    struct Summary: Encodable, Sendable {
        let id: UUID
        let machineID: UUID?
        let reportType: String
        let format: String
        let language: String
        let periodStart: Date
        let periodEnd: Date
        let title: String
        let summary: String?
        let createdAt: Date
        enum CodingKeys: String, CodingKey {
            case id, format, language, title, summary
            case machineID = "machine_id", reportType = "report_type", periodStart = "period_start", periodEnd = "period_end", createdAt = "created_at"
        }
    }

    func save(
        _ report: ReportDocument, clientID: UUID, machineID: UUID?, routineID: UUID?, title: String, summary: String, content: String, html: String, cost: Int
    ) async throws -> Summary {
        for try await row in try await client.query(
            """
            INSERT INTO ai_reports (client_id, machine_id, routine_id, report_type, format, language, period_start, period_end, title, summary, content, html, quota_cost)
            VALUES (\(clientID), \(machineID), \(routineID), \(report.kind.rawValue), \(report.format.rawValue), \(report.language), \(report.periodStart),
                    \(report.periodEnd), \(title), \(summary), \(content)::jsonb, \(html), \(cost))
            RETURNING \(unescaped: Self.columns)
            """, logger: logger
        ).decode(Row.self) { return Self.summary(row) }
        throw AppError.internalError
    }

    func list(clientID: UUID, limit: Int) async throws -> [Summary] {
        try await client.query(
            "SELECT \(unescaped: Self.columns) FROM ai_reports WHERE client_id = \(clientID) ORDER BY created_at DESC LIMIT \(limit)", logger: logger
        ).decode(Row.self).reduce(into: []) { $0.append(Self.summary($1)) }
    }

    /// The report's metadata, content (JSON text) and HTML.
    func find(id: UUID, clientID: UUID) async throws -> (Summary, content: String, html: String)? {
        for try await row in try await client.query(
            "SELECT \(unescaped: Self.columns), content::text, COALESCE(html, '') FROM ai_reports WHERE id = \(id) AND client_id = \(clientID)", logger: logger
        ).decode((UUID, UUID?, String, String, String, Date, Date, String, String?, Date, String, String).self) {
            return (Self.summary((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9)), row.10, row.11)
        }
        return nil
    }

    private static let columns = "id, machine_id, report_type, format, language, period_start, period_end, title, summary, created_at"
    private typealias Row = (UUID, UUID?, String, String, String, Date, Date, String, String?, Date)

    private static func summary(_ row: Row) -> Summary {
        Summary(
            id: row.0, machineID: row.1, reportType: row.2, format: row.3, language: row.4, periodStart: row.5, periodEnd: row.6, title: row.7,
            summary: row.8, createdAt: row.9)
    }
}
