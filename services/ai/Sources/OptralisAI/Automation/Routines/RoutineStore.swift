import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// The SQL of scheduled routines: which are due, the claim, the history rows. Every write
/// names the routine's client.
struct RoutineStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// The spec's "Critères d'exécution": enabled, `next_run_at` NULL or past, client on an
    /// active licence. The spec names Pro, Business and Enterprise there, but lets Essentials
    /// create routines: a routine the api accepts runs, so the tier is the routes' own,
    /// Essentials (tier 2) and above, as for triggers.
    func due(now: Date) async throws -> [DueRoutine] {
        let rows = try await client.query(
            """
            SELECT r.id, r.client_id, c.name, COALESCE(r.config->>'language', c.language), r.routine_type, r.schedule,
                   r.next_run_at::text,
                   CASE WHEN jsonb_typeof(r.config->'machines') = 'array'
                        THEN ARRAY(SELECT jsonb_array_elements_text(r.config->'machines'))::uuid[] END,
                   ARRAY(SELECT jsonb_array_elements_text(COALESCE(r.config->'notify_channels', '[]'::jsonb)))::uuid[]
            FROM ai_routines r
            JOIN clients c ON c.id = r.client_id
            JOIN license_types l ON l.code = c.license_type
            WHERE r.enabled = true
              AND (r.next_run_at IS NULL OR r.next_run_at <= \(now))
              AND l.tier_level >= 2
              AND c.license_status = 'active'
            ORDER BY r.next_run_at NULLS FIRST, r.id
            """, logger: logger)
        var routines: [DueRoutine] = []
        for try await (id, clientID, name, language, type, schedule, seen, machines, channels) in rows.decode(
            (UUID, UUID, String, String, String, String, String?, [UUID]?, [UUID]).self)
        {
            routines.append(
                DueRoutine(
                    id: id, clientID: clientID, clientName: name, language: language, routineType: type, schedule: schedule,
                    seenNextRunAt: seen, machineIDs: machines, notifyChannels: channels))
        }
        return routines
    }

    /// Takes this occurrence: moves `next_run_at` on and sets `last_run_at`, only if nobody did
    /// since it was read. False when another replica (or a change through the api) came first.
    func claim(_ routine: DueRoutine, next: Date, now: Date) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE ai_routines SET next_run_at = \(next), last_run_at = \(now)
            WHERE id = \(routine.id) AND client_id = \(routine.clientID) AND enabled
              AND next_run_at IS NOT DISTINCT FROM \(routine.seenNextRunAt)::timestamptz
            RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// The `running` row of a claimed run; its id.
    func start(_ routine: DueRoutine, now: Date) async throws -> UUID {
        let rows = try await client.query(
            """
            INSERT INTO ai_routine_history (client_id, routine_id, routine_type, status, started_at, executed_at)
            VALUES (\(routine.clientID), \(routine.id), \(routine.routineType), 'running', \(now), \(now))
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        throw AppError.internalError // an INSERT … RETURNING without its row
    }

    func finish(historyID: UUID, clientID: UUID, _ outcome: RoutineOutcome, now: Date) async throws {
        try await client.query(
            """
            UPDATE ai_routine_history
            SET status = \(outcome.status), completed_at = \(now), machines_analyzed = \(outcome.machinesAnalyzed)::int,
                issues_found = \(outcome.issuesFound)::int, result = \(outcome.resultJSON)::jsonb, error_message = \(outcome.errorMessage)
            WHERE id = \(historyID) AND client_id = \(clientID)
            """, logger: logger)
    }

    /// Runs left `running` by a replica that died mid-run become `failed`, so the history does
    /// not show them running forever. No run lasts ``abandonedAfter``. Returns how many.
    @discardableResult
    func failAbandoned(now: Date) async throws -> Int {
        let rows = try await client.query(
            """
            UPDATE ai_routine_history
            SET status = 'failed', completed_at = \(now), error_message = 'interrupted: the AI service stopped during the run'
            WHERE status = 'running' AND started_at < \(now.addingTimeInterval(-Self.abandonedAfter))
            RETURNING id
            """, logger: logger)
        var count = 0
        for try await _ in rows.decode(UUID.self) { count += 1 }
        return count
    }

    static let abandonedAfter: TimeInterval = 6 * 3600

    /// The client's machines a routine covers: all of them, or the listed ones that are the client's.
    func machines(clientID: UUID, only ids: [UUID]?) async throws -> [(id: UUID, hostname: String)] {
        let rows = try await client.query(
            """
            SELECT id, hostname FROM machines
            WHERE client_id = \(clientID) AND (\(ids == nil) OR id = ANY(\(ids ?? [])::uuid[]))
            ORDER BY hostname
            """, logger: logger)
        var machines: [(id: UUID, hostname: String)] = []
        for try await (id, hostname) in rows.decode((UUID, String).self) { machines.append((id, hostname)) }
        return machines
    }
}
