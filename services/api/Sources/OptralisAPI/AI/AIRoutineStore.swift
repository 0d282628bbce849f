import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// `ai_routines` and `ai_routine_history`, scoped by client. `next_run_at` is the scheduler's
/// single source of truth; the api sets it from the cron schedule whenever the schedule changes
/// or the routine is enabled again.
struct AIRoutineStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Routine: Codable, Sendable {
        let id: UUID
        let routineType: String
        let schedule: String
        let enabled: Bool
        let config: JSONValue
        let lastRunAt: Date?
        let nextRunAt: Date?
        let createdAt: Date
        let updatedAt: Date
        enum CodingKeys: String, CodingKey {
            case id, schedule, enabled, config
            case routineType = "routine_type", lastRunAt = "last_run_at", nextRunAt = "next_run_at", createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    struct Run: Codable, Sendable {
        let id: UUID
        let routineID: UUID
        let routineType: String
        let status: String
        let startedAt: Date
        let completedAt: Date?
        let machinesAnalyzed: Int
        let issuesFound: Int
        let errorMessage: String?
        enum CodingKeys: String, CodingKey {
            case id, status
            case routineID = "routine_id", routineType = "routine_type", startedAt = "started_at", completedAt = "completed_at",
                machinesAnalyzed = "machines_analyzed", issuesFound = "issues_found", errorMessage = "error_message"
        }
    }

    struct Stats: Codable, Sendable {
        let total: Int
        let enabled: Int
        let last24hRuns: Int
        let last24hFailures: Int
        enum CodingKeys: String, CodingKey { case total, enabled, last24hRuns = "last_24h_runs", last24hFailures = "last_24h_failures" }
    }

    /// What a create or an edit writes; the next run is computed by the caller from the schedule.
    struct Input: Sendable {
        var routineType: String
        var schedule: String
        var scheduleHour: Int
        var scheduleDay: Int?
        var enabled: Bool
        var config: String
        var nextRunAt: Date?
    }

    private static let columns = "id, routine_type, schedule, enabled, config::text, last_run_at, next_run_at, created_at, updated_at"
    private typealias Row = (UUID, String, String, Bool, String, Date?, Date?, Date, Date)

    private func routines(_ query: PostgresQuery) async throws -> [Routine] {
        var routines: [Routine] = []
        for try await row in try await database.query(query, logger: logger).decode(Row.self) {
            routines.append(
                Routine(
                    id: row.0, routineType: row.1, schedule: row.2, enabled: row.3, config: try JSONValue(parsing: row.4), lastRunAt: row.5,
                    nextRunAt: row.6, createdAt: row.7, updatedAt: row.8))
        }
        return routines
    }

    func list(clientID: UUID) async throws -> [Routine] {
        try await routines("SELECT \(unescaped: Self.columns) FROM ai_routines WHERE client_id = \(clientID) ORDER BY routine_type, created_at")
    }

    func find(id: UUID, clientID: UUID) async throws -> Routine? {
        try await routines("SELECT \(unescaped: Self.columns) FROM ai_routines WHERE id = \(id) AND client_id = \(clientID)").first
    }

    func count(clientID: UUID) async throws -> Int {
        try await database.query("SELECT count(*)::int FROM ai_routines WHERE client_id = \(clientID)", logger: logger)
            .decode(Int.self).reduce(into: 0) { $0 = $1 }
    }

    func create(_ input: Input, clientID: UUID, userID: UUID) async throws -> Routine {
        let created = try await routines(
            """
            INSERT INTO ai_routines (client_id, routine_type, schedule, schedule_hour, schedule_day, enabled, config, next_run_at, created_by)
            VALUES (\(clientID), \(input.routineType), \(input.schedule), \(input.scheduleHour), \(input.scheduleDay), \(input.enabled),
                    \(input.config)::jsonb, \(input.nextRunAt), \(userID))
            RETURNING \(unescaped: Self.columns)
            """)
        guard let routine = created.first else { throw AppError.internalError }
        return routine
    }

    func update(id: UUID, clientID: UUID, _ input: Input) async throws -> Routine? {
        try await routines(
            """
            UPDATE ai_routines SET schedule = \(input.schedule), schedule_hour = \(input.scheduleHour), schedule_day = \(input.scheduleDay),
                enabled = \(input.enabled), config = \(input.config)::jsonb, next_run_at = \(input.nextRunAt), updated_at = now()
            WHERE id = \(id) AND client_id = \(clientID) RETURNING \(unescaped: Self.columns)
            """
        ).first
    }

    func delete(id: UUID, clientID: UUID) async throws -> Bool {
        try await database.query("DELETE FROM ai_routines WHERE id = \(id) AND client_id = \(clientID) RETURNING 1", logger: logger)
            .decode(Int.self).reduce(into: false) { found, _ in found = true }
    }

    private static let runColumns = "id, routine_id, routine_type, status, started_at, completed_at, machines_analyzed, issues_found, error_message"

    /// The latest runs of one routine, or (nil) of every routine of the client.
    func history(routineID: UUID?, clientID: UUID, limit: Int) async throws -> [Run] {
        var runs: [Run] = []
        for try await row in try await database.query(
            """
            SELECT \(unescaped: Self.runColumns) FROM ai_routine_history
            WHERE client_id = \(clientID) AND (\(routineID)::uuid IS NULL OR routine_id = \(routineID))
            ORDER BY started_at DESC LIMIT \(limit)
            """, logger: logger
        ).decode((UUID, UUID, String, String, Date, Date?, Int, Int, String?).self) {
            runs.append(
                Run(
                    id: row.0, routineID: row.1, routineType: row.2, status: row.3, startedAt: row.4, completedAt: row.5, machinesAnalyzed: row.6,
                    issuesFound: row.7, errorMessage: row.8))
        }
        return runs
    }

    /// The latest run of each routine of the client.
    func lastRuns(clientID: UUID) async throws -> [UUID: Run] {
        var runs: [UUID: Run] = [:]
        for try await row in try await database.query(
            """
            SELECT DISTINCT ON (routine_id) \(unescaped: Self.runColumns) FROM ai_routine_history
            WHERE client_id = \(clientID) ORDER BY routine_id, started_at DESC
            """, logger: logger
        ).decode((UUID, UUID, String, String, Date, Date?, Int, Int, String?).self) {
            runs[row.1] = Run(
                id: row.0, routineID: row.1, routineType: row.2, status: row.3, startedAt: row.4, completedAt: row.5, machinesAnalyzed: row.6,
                issuesFound: row.7, errorMessage: row.8)
        }
        return runs
    }

    func stats(clientID: UUID) async throws -> Stats {
        for try await row in try await database.query(
            """
            SELECT (SELECT count(*) FROM ai_routines WHERE client_id = \(clientID))::int,
                   (SELECT count(*) FROM ai_routines WHERE client_id = \(clientID) AND enabled)::int,
                   (SELECT count(*) FROM ai_routine_history WHERE client_id = \(clientID) AND started_at > now() - interval '24 hours')::int,
                   (SELECT count(*) FROM ai_routine_history WHERE client_id = \(clientID) AND started_at > now() - interval '24 hours' AND status = 'failed')::int
            """, logger: logger
        ).decode((Int, Int, Int, Int).self) {
            return Stats(total: row.0, enabled: row.1, last24hRuns: row.2, last24hFailures: row.3)
        }
        throw AppError.internalError
    }

    /// How many of `channels` and of `machines` belong to the client.
    func owned(channels: [UUID], machines: [UUID], clientID: UUID) async throws -> (channels: Int, machines: Int) {
        try await database.query(
            """
            SELECT (SELECT count(*) FROM notification_channels WHERE client_id = \(clientID) AND id = ANY(\(channels)))::int,
                   (SELECT count(*) FROM machines WHERE client_id = \(clientID) AND id = ANY(\(machines)))::int
            """, logger: logger
        ).decode((Int, Int).self).reduce(into: (0, 0)) { $0 = $1 }
    }
}
