import Hummingbird
import OptralisCore
import OptralisPostgres
import OptralisRedis

/// Answers `503 SERVICE_UNAVAILABLE` with `Retry-After` when PostgreSQL (or Redis, for a route
/// that needs it) is down, within seconds, instead of a 500 or a request that waits for
/// postgres-nio's pool, which queues requests for up to a minute while it cannot connect:
/// - an error that says a dependency cannot be reached (``Database/isUnavailable(_:)``, a
///   Redis connection error) becomes the 503;
/// - a request still running after `patience` (after 200 ms when PostgreSQL was just found
///   down) while PostgreSQL refuses a new connection (``Database/isReachable()``) is cancelled,
///   which ends its wait for a pooled connection, and answered 503 unless it completes anyway.
public struct DependencyOutageMiddleware<Context: RequestContext>: RouterMiddleware {
    public static var retryAfterSeconds: Int { 5 }

    let database: Database
    let patience: Duration

    public init(database: Database, patience: Duration = .seconds(2)) {
        self.database = database
        self.patience = patience
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await withDeadline(request, context: context, next: next)
        } catch let error where error is Outage || Database.isUnavailable(error) || Self.isRedisConnection(error) {
            context.logger.debug("dependency unavailable", metadata: ["error": "\(String(reflecting: error))"])
            var response = ErrorBody(error: "service temporarily unavailable, retry later", code: "SERVICE_UNAVAILABLE")
                .response(status: .serviceUnavailable)
            response.headers[.retryAfter] = String(Self.retryAfterSeconds)
            return response
        }
    }

    private struct Outage: Error {}

    private enum Outcome: Sendable {
        case response(Response)
        case outage
    }

    /// Hands the rest of the chain and the request's context to one child task. Neither is
    /// Sendable (the closure is not even escaping), but nothing else touches them while that
    /// task runs and the task group ends before this function returns, so they never are
    /// used concurrently nor outlive the call.
    private struct Handover: @unchecked Sendable {
        let next: (Request, Context) async throws -> Response
        let context: Context
    }

    private func withDeadline(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try await withoutActuallyEscaping(next) { next in
            let handover = Handover(next: next, context: context)
            return try await withThrowingTaskGroup(of: Outcome.self) { group in
                // Immediate: each runs on this thread until it first suspends, sparing two hops per request.
                group.addImmediateTask { .response(try await handover.next(request, handover.context)) }
                group.addImmediateTask {
                    try await DeadlineTimer.shared.sleep(for: database.wasRecentlyUnreachable ? .milliseconds(200) : patience)
                    while await database.isReachable() {
                        try await DeadlineTimer.shared.sleep(for: patience)
                    }
                    return .outage
                }
                var outage = false
                while let result = await group.nextResult() {
                    switch result {
                    case .success(.response(let response)):
                        group.cancelAll()
                        return response
                    case .success(.outage):
                        outage = true
                        group.cancelAll()
                    case .failure(let error):
                        group.cancelAll()
                        throw outage ? Outage() : error
                    }
                }
                throw Outage()
            }
        }
    }

    private static func isRedisConnection(_ error: any Error) -> Bool {
        if case .connection = error as? RedisError { true } else { false }
    }
}
