import Foundation
import Hummingbird
import Logging
import OptralisCore
import Synchronization

/// Whether a client's licence lets its users log in and its agents post: `suspended` and
/// `expired` (the status, or an expiry date in the past) do not. Read from PostgreSQL; for the
/// agents' posts kept 30 seconds per client in this process, so they do not each cost a query
/// (a suspension or a renewal reaches them within that time). Logins always read it afresh.
final class LicenceStatusCache: Sendable {
    enum Status: String, Sendable {
        case active, suspended, expired
    }

    private let clients: ClientStore
    private let entries = Mutex<[UUID: (status: Status, readAt: ContinuousClock.Instant)]>([:])
    static let lifetime: Duration = .seconds(30)

    init(clients: ClientStore) {
        self.clients = clients
    }

    func status(of clientID: UUID, fresh: Bool = false) async throws -> Status {
        let now = ContinuousClock.now
        if !fresh, let entry = entries.withLock({ $0[clientID] }), now - entry.readAt < Self.lifetime { return entry.status }
        let status = Status(rawValue: try await clients.licenceState(id: clientID) ?? "active") ?? .active
        entries.withLock { $0[clientID] = (status, now) }
        return status
    }

    /// Throws the 403 a user or an agent of an inactive client gets; nil (a super_admin): nothing.
    func requireActive(_ clientID: UUID?, fresh: Bool = false) async throws {
        guard let clientID else { return }
        switch try await status(of: clientID, fresh: fresh) {
        case .active: return
        case .suspended: throw LicenceError.suspended
        case .expired: throw LicenceError.expired
        }
    }
}

/// Refuses agents' posts (but certificate renewal, so that an agent outlives a long suspension)
/// while their client's licence is inactive: 403 with the code the agent recognises, after which
/// it keeps its spool and retries slowly.
struct AgentLicenceMiddleware: RouterMiddleware {
    typealias Context = AgentRequestContext
    let licences: LicenceStatusCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .post, !request.uri.path.hasSuffix("/certificate/renew"), let agent = context.agent {
            try await licences.requireActive(agent.clientID)
        }
        return try await next(request, context)
    }
}
