import Foundation
import Logging
import PostgresNIO

/// Who an analysis is for: the machine's name, the narrative's language and the client's own
/// context for the prompts (`ai_configs`).
struct AnalysisContext: Sendable, Equatable {
    var hostname: String
    var language: AILanguage
    var customContext: String
}

struct AnalysisContextStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Nil when the machine is not one of the client's. The language is the request's, else
    /// the client's AI configuration's, else the client's, else `fallback` (`AI_DEFAULT_LANGUAGE`).
    func context(clientID: UUID, machineID: UUID, requested: AILanguage?, fallback: AILanguage) async throws -> AnalysisContext? {
        let rows = try await client.query(
            """
            SELECT m.hostname, COALESCE(a.language, c.language), COALESCE(a.custom_context, '')
            FROM machines m
            JOIN clients c ON c.id = m.client_id
            LEFT JOIN ai_configs a ON a.client_id = c.id
            WHERE m.id = \(machineID) AND m.client_id = \(clientID)
            """, logger: logger)
        for try await (hostname, language, custom) in rows.decode((String, String?, String).self) {
            let stored = language.flatMap(AILanguage.init(rawValue:))
            return AnalysisContext(hostname: hostname, language: requested ?? stored ?? fallback, customContext: custom)
        }
        return nil
    }
}
