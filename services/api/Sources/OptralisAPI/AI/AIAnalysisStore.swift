import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// `ai_analysis_results`, which the AI service writes (one row per analysis run, by a user, a
/// routine or a trigger; kept 90 days), read back for the client's analysis history.
struct AIAnalysisStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Analysis: Encodable, Sendable {
        let id: UUID
        let machineID: UUID?
        let machineHostname: String?
        let analysisType: String
        let source: String
        let language: String
        let summary: String?
        let overallScore: Int?
        let riskLevel: String?
        let quotaCost: Int
        let createdAt: Date
        /// The AI service's answer as it gave it (without `id` and `created_at`); detail only.
        var result: JSONValue?
        enum CodingKeys: String, CodingKey {
            case id, source, language, summary, result
            case machineID = "machine_id", machineHostname = "machine_hostname", analysisType = "analysis_type", overallScore = "overall_score",
                riskLevel = "risk_level", quotaCost = "quota_cost", createdAt = "created_at"
        }
    }

    private typealias Row = (UUID, UUID?, String?, String, String, String, String?, Int?, String?, Int, Date, String?)

    /// Every column but the result, which the list leaves out; the machine's current host name.
    private static let columns = """
        r.id, r.machine_id, m.hostname, r.analysis_type, r.source, r.language, r.summary, r.overall_score, r.risk_level, r.quota_cost, r.created_at
        """
    private static let from = "FROM ai_analysis_results r LEFT JOIN machines m ON m.id = r.machine_id AND m.client_id = r.client_id"

    /// Newest first; one machine's, or (nil) the whole client's.
    func list(clientID: UUID, machineID: UUID?, limit: Int) async throws -> [Analysis] {
        try await analyses(
            """
            SELECT \(unescaped: Self.columns), NULL::text \(unescaped: Self.from)
            WHERE r.client_id = \(clientID) AND (\(machineID)::uuid IS NULL OR r.machine_id = \(machineID))
            ORDER BY r.created_at DESC LIMIT \(limit)
            """)
    }

    func find(id: UUID, clientID: UUID) async throws -> Analysis? {
        try await analyses("SELECT \(unescaped: Self.columns), r.result::text \(unescaped: Self.from) WHERE r.id = \(id) AND r.client_id = \(clientID)").first
    }

    private func analyses(_ query: PostgresQuery) async throws -> [Analysis] {
        var analyses: [Analysis] = []
        for try await row in try await database.query(query, logger: logger).decode(Row.self) {
            analyses.append(
                Analysis(
                    id: row.0, machineID: row.1, machineHostname: row.2, analysisType: row.3, source: row.4, language: row.5, summary: row.6,
                    overallScore: row.7, riskLevel: row.8, quotaCost: row.9, createdAt: row.10, result: try row.11.map { try JSONValue(parsing: $0) }))
        }
        return analyses
    }
}
