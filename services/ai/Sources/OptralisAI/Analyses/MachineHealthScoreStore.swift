import Foundation
import Logging
import PostgresNIO

/// `machines.health_score`, `health_score_at` and `health_score_source`: written by the paid
/// health-score analysis and by the automatic refresh (``HealthScoreRefresh``). The latest
/// computation wins: a write carries the moment its statistics were taken and never replaces a
/// score computed later.
struct MachineHealthScoreStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Who computed the score.
    enum Source: String, Sendable {
        /// The 15-minute statistics-only refresh: no quota, no Claude.
        case automatic = "auto"
        /// `POST /ai/health-score`, a routine or a trigger (quota, cooldown, narrative).
        case analysis
    }

    /// Sets the score (nil: no data to score) computed at `at`, unless a later one is stored.
    func write(clientID: UUID, machineID: UUID, score: Int?, at: Date, source: Source) async throws {
        try await client.query(
            """
            UPDATE machines SET health_score = \(score), health_score_at = \(at), health_score_source = \(source.rawValue)
            WHERE id = \(machineID) AND client_id = \(clientID) AND (health_score_at IS NULL OR health_score_at <= \(at))
            """, logger: logger)
    }

    /// A machine due for the automatic refresh, and whether it sent a metric sample in the
    /// score's window (none: it is skipped).
    struct Due: Sendable {
        var clientID: UUID
        var machineID: UUID
        var hasRecentData: Bool
    }

    /// Up to `limit` machines after `cursor` (by id) of active, unexpired clients whose score
    /// was computed before `dueBefore` or never.
    func due(after cursor: UUID?, dueBefore: Date, now: Date, limit: Int) async throws -> [Due] {
        let windowStart = now.addingTimeInterval(-HealthScore.window)
        let rows = try await client.query(
            """
            SELECT m.client_id, m.id,
                   EXISTS (SELECT 1 FROM metrics x WHERE x.machine_id = m.id AND x.recorded_at > \(windowStart) AND x.recorded_at <= \(now))
            FROM machines m JOIN clients c ON c.id = m.client_id
            WHERE c.license_status = 'active' AND (c.license_expires_at IS NULL OR c.license_expires_at > \(now))
              AND (m.health_score_at IS NULL OR m.health_score_at < \(dueBefore))
              AND (\(cursor)::uuid IS NULL OR m.id > \(cursor))
            ORDER BY m.id
            LIMIT \(limit)
            """, logger: logger)
        var due: [Due] = []
        for try await (client, machine, recent) in rows.decode((UUID, UUID, Bool).self) {
            due.append(Due(clientID: client, machineID: machine, hasRecentData: recent))
        }
        return due
    }
}
