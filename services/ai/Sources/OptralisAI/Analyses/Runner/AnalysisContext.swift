import Foundation
import Logging
import PostgresNIO

/// Who an analysis is for: the machine's name and operating system, the narrative's language
/// and the client's own context for the prompts (`ai_configs`).
struct AnalysisContext: Sendable, Equatable {
    var hostname: String
    /// `machines.os` as the agent reported it ("Ubuntu 24.04", "Windows Server 2022"…), or empty.
    var os: String
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
            SELECT m.hostname, COALESCE(m.os, ''), COALESCE(a.language, c.language), COALESCE(a.custom_context, '')
            FROM machines m
            JOIN clients c ON c.id = m.client_id
            LEFT JOIN ai_configs a ON a.client_id = c.id
            WHERE m.id = \(machineID) AND m.client_id = \(clientID)
            """, logger: logger)
        for try await (hostname, os, language, custom) in rows.decode((String, String, String?, String).self) {
            let stored = language.flatMap(AILanguage.init(rawValue:))
            return AnalysisContext(hostname: hostname, os: os, language: requested ?? stored ?? fallback, customContext: custom)
        }
        return nil
    }

    /// The machine's latest error and critical events as one line each, newest first, for the
    /// narrative: `2026-11-22T07:00:00Z critical kernel: message` (messages cut at 300 characters).
    func recentEvents(clientID: UUID, machineID: UUID, before now: Date, limit: Int = 15) async throws -> [String] {
        let rows = try await client.query(
            """
            SELECT e.recorded_at, e.level, COALESCE(e.source, ''), e.event_id, left(e.message, 300)
            FROM event_logs e
            JOIN machines m ON m.id = e.machine_id AND m.client_id = \(clientID)
            WHERE e.machine_id = \(machineID) AND e.level IN ('critical', 'error') AND e.recorded_at <= \(now)
              AND e.recorded_at > \(now.addingTimeInterval(-7 * 86_400))
            ORDER BY e.recorded_at DESC
            LIMIT \(limit)
            """, logger: logger)
        var lines: [String] = []
        for try await (time, level, source, eventID, message) in rows.decode((Date, String, String, Int?, String).self) {
            let origin = [source.isEmpty ? nil : source, eventID.map { "#\($0)" }].compactMap { $0 }.joined(separator: " ")
            lines.append("\(time.formatted(.iso8601)) \(level) \(origin.isEmpty ? "" : origin + ": ")\(message)")
        }
        return lines
    }
}

extension AnalysisContext {
    var isWindows: Bool { os.lowercased().contains("windows") }
}
