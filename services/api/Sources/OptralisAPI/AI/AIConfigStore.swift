import Foundation
import Logging
import OptralisCore
import OptralisPostgres
import PostgresNIO

/// `ai_configs` (one row per client, made on first write) and `ai_machine_classifications`.
struct AIConfigStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Config: Codable, Sendable {
        var autoDetectEnabled: Bool
        var customContext: String
        var customPatterns: [CriticalityRules.Pattern]
        var language: String
        var lastAnalyzedAt: Date?
        enum CodingKeys: String, CodingKey {
            case language
            case autoDetectEnabled = "auto_detect_enabled", customContext = "custom_context", customPatterns = "custom_patterns",
                lastAnalyzedAt = "last_analyzed_at"
        }
    }

    struct Classification: Codable, Sendable {
        let machineID: UUID
        let hostname: String
        let criticality: String?
        let source: String?
        let matchedPattern: String?
        let reason: String?
        enum CodingKeys: String, CodingKey {
            case hostname, criticality, source, reason
            case machineID = "machine_id", matchedPattern = "matched_pattern"
        }
    }

    static let defaults = Config(autoDetectEnabled: true, customContext: "", customPatterns: [], language: "fr", lastAnalyzedAt: nil)

    func config(clientID: UUID) async throws -> Config {
        for try await row in try await database.query(
            "SELECT auto_detect_enabled, custom_context, custom_patterns::text, language, last_analyzed_at FROM ai_configs WHERE client_id = \(clientID)",
            logger: logger
        ).decode((Bool, String, String, String, Date?).self) {
            return Config(
                autoDetectEnabled: row.0, customContext: row.1,
                customPatterns: try JSONDecoder().decode([CriticalityRules.Pattern].self, from: Data(row.2.utf8)), language: row.3, lastAnalyzedAt: row.4)
        }
        return Self.defaults
    }

    /// Every machine of the client with its classification, if any.
    func classifications(clientID: UUID) async throws -> [Classification] {
        var rows: [Classification] = []
        for try await row in try await database.query(
            """
            SELECT m.id, m.hostname, c.criticality, c.source, c.matched_pattern, c.reason
            FROM machines m LEFT JOIN ai_machine_classifications c ON c.machine_id = m.id AND c.client_id = m.client_id
            WHERE m.client_id = \(clientID) ORDER BY m.hostname
            """, logger: logger
        ).decode((UUID, String, String?, String?, String?, String?).self) {
            rows.append(Classification(machineID: row.0, hostname: row.1, criticality: row.2, source: row.3, matchedPattern: row.4, reason: row.5))
        }
        return rows
    }

    /// Saves the configuration and the manual classifications (nil criticality: back to
    /// automatic) in one transaction; a machine that is not the client's is a 404 and saves nothing.
    func save(_ config: Config, manual: [(UUID, String?)], clientID: UUID, userID: UUID) async throws {
        let patterns = String(decoding: try JSONEncoder().encode(config.customPatterns), as: UTF8.self)
        let machineIDs = Array(Set(manual.map(\.0)))
        try await database.transaction(logger: logger) { connection in
            let owned = try await connection.query(
                "SELECT count(*)::int FROM machines WHERE client_id = \(clientID) AND id = ANY(\(machineIDs))", logger: logger
            ).decode(Int.self).reduce(into: 0) { $0 = $1 }
            guard owned == machineIDs.count else { throw APIError.notFound("one of the classified machines") }
            try await connection.query(
                """
                INSERT INTO ai_configs (client_id, auto_detect_enabled, custom_context, custom_patterns, language, updated_by)
                VALUES (\(clientID), \(config.autoDetectEnabled), \(config.customContext), \(patterns)::jsonb, \(config.language), \(userID))
                ON CONFLICT (client_id) DO UPDATE SET auto_detect_enabled = EXCLUDED.auto_detect_enabled, custom_context = EXCLUDED.custom_context,
                    custom_patterns = EXCLUDED.custom_patterns, language = EXCLUDED.language, updated_by = EXCLUDED.updated_by, updated_at = now()
                """, logger: logger)
            for (machineID, criticality) in manual {
                if let criticality {
                    try await connection.query(
                        """
                        INSERT INTO ai_machine_classifications (client_id, machine_id, criticality, source, reason)
                        VALUES (\(clientID), \(machineID), \(criticality), 'manual', 'Classification manuelle')
                        ON CONFLICT (machine_id) DO UPDATE SET criticality = EXCLUDED.criticality, source = 'manual', matched_pattern = NULL,
                            reason = EXCLUDED.reason, updated_at = now()
                        """, logger: logger)
                } else {
                    try await connection.query(
                        "DELETE FROM ai_machine_classifications WHERE machine_id = \(machineID) AND client_id = \(clientID) AND source = 'manual'",
                        logger: logger)
                }
            }
        }
    }

    /// Classifies every machine not set by hand from its host name; machines no pattern matches
    /// lose an automatic classification they had. Two statements whatever the fleet's size.
    /// Returns the classified count per level.
    func autoClassify(clientID: UUID, custom: [CriticalityRules.Pattern]) async throws -> [String: Int] {
        let machines = try await classifications(clientID: clientID).filter { $0.source != "manual" }
        let matches = machines.compactMap { machine in CriticalityRules.classify(machine.hostname, custom: custom).map { (machine.machineID, $0) } }
        let matched = matches.map(\.0)
        let levels = matches.map(\.1.criticality), patterns = matches.map(\.1.pattern), reasons = matches.map(\.1.reason)
        return try await database.transaction(logger: logger) { connection in
            try await connection.query(
                """
                INSERT INTO ai_machine_classifications (client_id, machine_id, criticality, source, matched_pattern, reason)
                SELECT \(clientID), m.id, m.criticality, 'auto', m.pattern, m.reason
                FROM unnest(\(matched)::uuid[], \(levels)::text[], \(patterns)::text[], \(reasons)::text[]) AS m(id, criticality, pattern, reason)
                ON CONFLICT (machine_id) DO UPDATE SET criticality = EXCLUDED.criticality, matched_pattern = EXCLUDED.matched_pattern,
                    reason = EXCLUDED.reason, updated_at = now()
                WHERE ai_machine_classifications.source = 'auto'
                """, logger: logger)
            try await connection.query(
                """
                DELETE FROM ai_machine_classifications
                WHERE client_id = \(clientID) AND source = 'auto' AND NOT (machine_id = ANY(\(matched)::uuid[]))
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO ai_configs (client_id, last_analyzed_at) VALUES (\(clientID), now())
                ON CONFLICT (client_id) DO UPDATE SET last_analyzed_at = now()
                """, logger: logger)
            return Dictionary(grouping: levels) { $0 }.mapValues(\.count)
        }
    }
}
