import Foundation
import JWTKit

/// Signs and verifies access tokens with `JWT_SECRET` (HS256).
struct TokenSigner: Sendable {
    static let accessLifetime: TimeInterval = 15 * 60
    static let impersonationLifetime: TimeInterval = 15 * 60

    private let keys: JWTKeyCollection

    init(secret: String) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    }

    struct Issued: Sendable {
        let token: String
        let id: String
        let expiresAt: Date
    }

    func issueAccess(userID: UUID, role: Role, clientID: UUID?, impersonatedBy: UUID? = nil, lifetime: TimeInterval = accessLifetime) async throws -> Issued {
        let now = Date()
        let id = UUID().uuidString.lowercased()
        let expiresAt = now.addingTimeInterval(lifetime)
        let claims = AccessClaims(
            sub: .init(value: userID.uuidString.lowercased()), jti: .init(value: id), exp: .init(value: expiresAt),
            iat: .init(value: now), role: role.rawValue, cid: clientID?.uuidString.lowercased(),
            imp: impersonatedBy?.uuidString.lowercased(), typ: "access")
        return Issued(token: try await keys.sign(claims), id: id, expiresAt: expiresAt)
    }

    /// The claims of a valid, unexpired access token; nil for anything else.
    func verifyAccess(_ token: String) async -> AccessClaims? {
        try? await keys.verify(token, as: AccessClaims.self)
    }
}
