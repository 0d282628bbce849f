import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// Writes finished analyses to `ai_analysis_results` (their fingerprint feeds the next
/// request's cooldown and change detection). The health score's column is
/// ``MachineHealthScoreStore``'s.
struct AnalysisResultStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Kept 90 days (the spec's retention for `ai_analysis_results`).
    static let retention: TimeInterval = 90 * 86_400

    struct Record: Sendable {
        var clientID: UUID
        var machineID: UUID
        var kind: AnalysisKind
        var language: AILanguage
        var summary: String
        /// The response body, without `id` and `created_at` (the row's own columns).
        var resultJSON: String
        var overallScore: Int?
        var riskLevel: String?
        var confidence: Double?
        var fingerprint: DataFingerprint
        var model: String?
        var usage: ClaudeUsage?
        var createdAt: Date
    }

    /// The new row's id.
    func save(_ record: Record) async throws -> UUID {
        let rows = try await client.query(
            """
            INSERT INTO ai_analysis_results
                (client_id, machine_id, analysis_type, source, language, summary, result, overall_score, risk_level, confidence,
                 data_fingerprint, model, quota_cost, input_tokens, output_tokens, created_at, expires_at)
            VALUES (\(record.clientID), \(record.machineID), \(record.kind.rawValue), 'user', \(record.language.rawValue), \(record.summary),
                    \(record.resultJSON)::jsonb, \(record.overallScore), \(record.riskLevel), \(record.confidence),
                    \(record.fingerprint.json)::jsonb, \(record.model), \(record.kind.cost), \(record.usage?.inputTokens),
                    \(record.usage?.outputTokens), \(record.createdAt), \(record.createdAt.addingTimeInterval(Self.retention)))
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        throw AppError.internalError // an INSERT … RETURNING without its row
    }
}
