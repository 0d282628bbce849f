import Foundation
import OptralisTestSupport
import PostgresNIO

/// A migrated database of the test's own, dropped afterwards, for the ai service's stores.
enum AIDatabase {
    static func run(_ body: @Sendable (PostgresClient) async throws -> Void) async throws {
        let database = try await TestDatabase.create()
        do {
            try await database.withClient(body)
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }
}

extension PostgresClient {
    /// The id an `INSERT … RETURNING id` gave.
    func insertID(_ sql: PostgresQuery) async throws -> UUID {
        try await query(sql, logger: testLogger).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
    }
}
