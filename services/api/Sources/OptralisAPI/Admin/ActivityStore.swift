import Foundation
import Logging
import OptralisServer
import PostgresNIO

/// Reads of `activity_logs` for `/api/admin/activity`.
struct ActivityStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Filter: Sendable {
        var category: String?
        var level: String?
        var clientID: UUID?
        var userID: UUID?
        var search: String?
        var from: Date?
        var to: Date?
        var paging: Paging
    }

    struct Entry: Codable, Sendable {
        let id: UUID
        let timestamp: Date
        let level: String
        let category: String
        let message: String
        /// The event's details (string values), as stored in the JSONB column.
        let metadata: [String: String]?
        let clientID: UUID?
        let clientName: String?
        let userID: UUID?
        let ipAddress: String?

        enum CodingKeys: String, CodingKey {
            case id, timestamp, level, category, message, metadata
            case clientID = "client_id", clientName = "client_name", userID = "user_id", ipAddress = "ip_address"
        }
    }

    func search(_ filter: Filter) async throws -> (entries: [Entry], total: Int) {
        let pattern = filter.search.map { "%\($0)%" }
        // One statement: the page (possibly empty) and the total of the filtered rows.
        let rows = try await database.query(
            """
            WITH filtered AS (
                SELECT a.id, a.timestamp, a.level, a.category, a.message, a.metadata::text AS metadata, a.client_id,
                       c.name AS client_name, a.user_id, a.ip_address
                FROM activity_logs a LEFT JOIN clients c ON c.id = a.client_id
                WHERE (\(filter.category)::text IS NULL OR a.category = \(filter.category))
                  AND (\(filter.level)::text IS NULL OR a.level = \(filter.level))
                  AND (\(filter.clientID)::uuid IS NULL OR a.client_id = \(filter.clientID))
                  AND (\(filter.userID)::uuid IS NULL OR a.user_id = \(filter.userID))
                  AND (\(pattern)::text IS NULL OR a.message ILIKE \(pattern) OR a.metadata::text ILIKE \(pattern))
                  AND (\(filter.from)::timestamptz IS NULL OR a.timestamp >= \(filter.from))
                  AND (\(filter.to)::timestamptz IS NULL OR a.timestamp <= \(filter.to))
            ), page AS (
                SELECT * FROM filtered ORDER BY timestamp DESC LIMIT \(filter.paging.limit) OFFSET \(filter.paging.offset)
            )
            SELECT (SELECT count(*) FROM filtered)::int, p.id, p.timestamp, p.level, p.category, p.message, p.metadata,
                   p.client_id, p.client_name, p.user_id, p.ip_address
            FROM (SELECT 1) AS one LEFT JOIN page p ON true ORDER BY p.timestamp DESC
            """, logger: logger)
        var entries: [Entry] = []
        var total = 0
        for try await row in rows.decode((Int, UUID?, Date?, String?, String?, String?, String?, UUID?, String?, UUID?, String?).self) {
            total = row.0
            guard let id = row.1, let timestamp = row.2, let level = row.3, let category = row.4, let message = row.5 else { continue }
            entries.append(
                Entry(
                    id: id, timestamp: timestamp, level: level, category: category, message: message,
                    metadata: row.6.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }, clientID: row.7,
                    clientName: row.8, userID: row.9, ipAddress: row.10))
        }
        return (entries, total)
    }

    struct Stats: Codable, Sendable {
        let total: Int
        let last24h: Int
        let byCategory: [String: Int]
        let byLevel: [String: Int]
        let perDay: [Day]

        struct Day: Codable, Sendable {
            let date: String
            let count: Int
        }

        enum CodingKeys: String, CodingKey {
            case total, last24h = "last_24h", byCategory = "by_category", byLevel = "by_level", perDay = "per_day"
        }
    }

    /// Counts over the retained log (30 days): by category, by level, per day for 7 days.
    func stats() async throws -> Stats {
        var byCategory: [String: Int] = [:]
        var byLevel: [String: Int] = [:]
        var total = 0, recent = 0
        for try await (category, level, count, last24h) in try await database.query(
            """
            SELECT category, level, count(*)::int, count(*) FILTER (WHERE timestamp > now() - INTERVAL '24 hours')::int
            FROM activity_logs GROUP BY category, level
            """, logger: logger
        ).decode((String, String, Int, Int).self) {
            byCategory[category, default: 0] += count
            byLevel[level, default: 0] += count
            total += count
            recent += last24h
        }
        var days: [Stats.Day] = []
        for try await (day, count) in try await database.query(
            """
            SELECT to_char(d, 'YYYY-MM-DD'), (SELECT count(*) FROM activity_logs WHERE timestamp >= d AND timestamp < d + INTERVAL '1 day')::int
            FROM generate_series(date_trunc('day', now()) - INTERVAL '6 days', date_trunc('day', now()), INTERVAL '1 day') AS d ORDER BY d
            """, logger: logger
        ).decode((String, Int).self) { days.append(.init(date: day, count: count)) }
        return Stats(total: total, last24h: recent, byCategory: byCategory, byLevel: byLevel, perDay: days)
    }
}
