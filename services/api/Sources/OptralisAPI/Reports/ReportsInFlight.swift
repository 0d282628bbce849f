import Foundation
import Hummingbird

/// One executive report at a time per client on this replica. A report reads every hourly
/// roll-up of its period for all the client's machines (up to 366 days): a client repeating the
/// call would only pile work on PostgreSQL, so a call made while the client's previous report is
/// still being built answers 429 `RATE_LIMITED` with `Retry-After` instead.
actor ReportsInFlight {
    static let retryAfterSeconds = 5
    private var running: Set<UUID> = []

    /// `body` with the client's slot held, or the 429 when another report holds it.
    func run<T: Sendable>(client: UUID, _ body: @Sendable () async throws -> T) async throws -> T {
        guard running.insert(client).inserted else {
            throw HTTPError.rateLimited(retryAfter: Self.retryAfterSeconds)
        }
        defer { running.remove(client) }
        return try await body()
    }
}
