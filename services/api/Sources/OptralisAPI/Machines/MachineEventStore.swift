import Foundation
import Logging
import PostgresNIO

/// A machine's system events (`event_logs`), newest first, scoped by the machine's client.
struct MachineEventStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    struct Event: Encodable, Sendable {
        let time: Date
        let logName: String?
        let source: String?
        let eventID: Int?
        let level: String
        let message: String
        enum CodingKeys: String, CodingKey {
            case time, logName = "log_name", source, eventID = "event_id", level, message
        }
    }

    /// Events at one of `levels`, older than `before` when given, at most `limit`.
    func events(machineID: UUID, clientID: UUID, levels: [String], before: Date?, limit: Int) async throws -> [Event] {
        try await database.query(
            """
            SELECT e.recorded_at, e.log_name, e.source, e.event_id, e.level, e.message
            FROM event_logs e JOIN machines m ON m.id = e.machine_id
            WHERE e.machine_id = \(machineID) AND m.client_id = \(clientID) AND e.level = ANY(\(levels))
              AND (\(before)::timestamptz IS NULL OR e.recorded_at < \(before))
            ORDER BY e.recorded_at DESC LIMIT \(limit)
            """, logger: logger
        ).decode((Date, String?, String?, Int?, String, String).self).reduce(into: []) {
            $0.append(Event(time: $1.0, logName: $1.1, source: $1.2, eventID: $1.3, level: $1.4, message: $1.5))
        }
    }
}
