import Foundation
import Logging
import PostgresNIO

/// The monthly AI quota ("Système de Quota"): units used per client and calendar month in
/// `ai_usage`, against the licence's limit or a custom one in `ai_quotas`.
struct QuotaStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Nil when the client does not exist.
    func status(clientID: UUID, now: Date) async throws -> QuotaStatus? {
        let (start, next, day) = QuotaStatus.month(of: now)
        let rows = try await client.query(
            """
            SELECT COALESCE(q.monthly_limit, lt.ai_monthly_quota), q.monthly_limit IS NOT NULL,
                   COALESCE(u.units_used, 0), COALESCE(u.request_count, 0)
            FROM clients c
            JOIN license_types lt ON lt.code = c.license_type
            LEFT JOIN ai_quotas q ON q.client_id = c.id
            LEFT JOIN ai_usage u ON u.client_id = c.id AND u.period_month = \(day)::date
            WHERE c.id = \(clientID)
            """, logger: logger)
        for try await (limit, custom, used, requests) in rows.decode((Int, Bool, Int, Int).self) {
            return QuotaStatus(monthlyLimit: limit, used: used, requestCount: requests, periodStart: start, resetsAt: next, isCustom: custom)
        }
        return nil
    }

    /// Takes `cost` units from this month's quota if they fit, in one statement: concurrent
    /// calls cannot together pass the limit. False when they do not fit (or no such client).
    func consume(clientID: UUID, cost: Int, now: Date) async throws -> Bool {
        guard cost > 0 else { return true }
        let day = QuotaStatus.month(of: now).day
        let rows = try await client.query(
            """
            WITH quota AS (
                SELECT COALESCE(q.monthly_limit, lt.ai_monthly_quota) AS monthly_limit
                FROM clients c
                JOIN license_types lt ON lt.code = c.license_type
                LEFT JOIN ai_quotas q ON q.client_id = c.id
                WHERE c.id = \(clientID)
            )
            INSERT INTO ai_usage AS u (client_id, period_month, units_used, request_count, last_request_at)
            SELECT \(clientID), \(day)::date, \(cost), 1, \(now) FROM quota WHERE \(cost) <= quota.monthly_limit
            ON CONFLICT (client_id, period_month) DO UPDATE
                SET units_used = u.units_used + EXCLUDED.units_used, request_count = u.request_count + 1,
                    last_request_at = EXCLUDED.last_request_at
                WHERE u.units_used + EXCLUDED.units_used <= (SELECT monthly_limit FROM quota)
            RETURNING u.units_used
            """, logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    /// `POST /ai/quota/set`: a custom monthly limit for the client, replacing any earlier one.
    /// False when the client does not exist; a `setBy` that names no user is recorded as unknown.
    func setLimit(clientID: UUID, monthlyLimit: Int, setBy: UUID?) async throws -> Bool {
        let rows = try await client.query(
            """
            INSERT INTO ai_quotas (client_id, monthly_limit, set_by)
            SELECT id, \(monthlyLimit), (SELECT u.id FROM users u WHERE u.id = \(setBy)) FROM clients WHERE id = \(clientID)
            ON CONFLICT (client_id) DO UPDATE
                SET monthly_limit = EXCLUDED.monthly_limit, set_by = EXCLUDED.set_by, updated_at = now()
            RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// The client's licence type; nil for a client that does not exist.
    func licence(clientID: UUID) async throws -> String? {
        let rows = try await client.query("SELECT license_type FROM clients WHERE id = \(clientID)", logger: logger)
        for try await licence in rows.decode(String.self) { return licence }
        return nil
    }
}
