import Foundation
import Hummingbird
import OptralisServer
import NIOCore

/// The api's request context: the 10 MB body limit of the spec, the caller's address, and the
/// identity the auth middleware establishes.
public struct APIRequestContext: ClientAddressContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address.
    public let remoteAddress: String?
    /// The client's IP: the peer's, or behind a trusted proxy (`TRUST_PROXY_HEADERS`) the one it
    /// names in `X-Real-IP` / `X-Forwarded-For`. Set by ``ClientAddressMiddleware``.
    public var clientIP: String?
    /// Set by ``AuthMiddleware`` on authenticated routes.
    public var identity: Identity?
    /// The user row ``AuthMiddleware`` read, so handlers do not read it again.
    var authenticatedUser: UserRecord?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
        clientIP = remoteAddress
    }

    public var maxUploadSize: Int { 10 * 1024 * 1024 }
    public var requestDecoder: OptralisRequestDecoder { .init() }
    public var responseEncoder: OptralisResponseEncoder { .init() }

    /// The identity of an authenticated route; its absence is a wiring error, answered 401.
    public func requireIdentity() throws -> Identity {
        guard let identity else { throw APIError.notAuthenticated }
        return identity
    }
}

/// Who is calling: the verified access token plus the user's current row.
public struct Identity: Sendable {
    public let userID: UUID
    public let email: String
    /// The tenant every query of the request is scoped to: the user's client, or the client a
    /// super_admin impersonates. Nil for a super_admin acting as such.
    public let clientID: UUID?
    public let role: Role
    /// The super_admin behind an impersonation token.
    public let impersonatedBy: UUID?
    public let tokenID: String
    public let tokenExpiresAt: Date
    public let viaCookie: Bool
    public let mustChangePassword: Bool
    public let passwordExpired: Bool

    /// The client of a tenant route; a super_admin not impersonating has none (403).
    public func requireClient() throws -> UUID {
        guard let clientID else { throw APIError.forbidden("this route acts on a client: impersonate one first") }
        return clientID
    }
}

public enum Role: String, Codable, Sendable, CaseIterable {
    case superAdmin = "super_admin"
    case admin
    case observer

    /// Whether the role may change its client's data (observer is read-only everywhere).
    var canWrite: Bool { self != .observer }
}
