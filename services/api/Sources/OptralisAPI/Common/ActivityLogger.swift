import Foundation
import Logging
import PostgresNIO

/// Writes `activity_logs` (spec "Activity Logging System"). A failure to record is logged,
/// never turned into a failed request.
struct ActivityLogger: Sendable {
    enum Category: String, Sendable, CaseIterable { case auth, email, alert, system, user, machine, certificate }
    enum Level: String, Sendable, CaseIterable { case info, warn, error }

    let database: PostgresClient
    let logger: Logger

    func record(
        _ category: Category, _ message: String, level: Level = .info, metadata: [String: String] = [:],
        clientID: UUID? = nil, userID: UUID? = nil, ip: String? = nil
    ) async {
        let json = String(decoding: (try? JSONEncoder().encode(metadata)) ?? Data("{}".utf8), as: UTF8.self)
        do {
            try await database.query(
                """
                INSERT INTO activity_logs (level, category, message, metadata, client_id, user_id, ip_address)
                VALUES (\(level.rawValue), \(category.rawValue), \(message), \(json)::jsonb, \(clientID), \(userID), \(ip))
                """, logger: logger)
        } catch {
            logger.error("activity log not recorded", metadata: ["message": "\(message)", "error": "\(String(reflecting: error))"])
        }
    }
}
