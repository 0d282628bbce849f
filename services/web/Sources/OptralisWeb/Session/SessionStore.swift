import Crypto
import Foundation
import OptralisCore
import OptralisRedis

/// Sessions in Redis under `web:session:<SHA-256 of the cookie value>` for 7 days (the refresh
/// token's life): a copy of Redis does not give the cookies that open them. Without Redis
/// nobody is logged in, and the login page says the service is unavailable.
struct SessionStore: Sendable {
    let redis: RedisClient
    static let lifetimeSeconds = 7 * 24 * 3600
    static let cookie = "optralis_session"

    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    static func newID() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func randomToken() -> String { newID() }

    private func key(_ id: String) -> String {
        "web:session:" + SHA256.hash(data: Data(id.utf8)).hexString
    }

    func load(_ id: String) async throws -> WebSession? {
        guard id.count == 43, let stored = try await redis.get(key(id)) else { return nil }
        return try? Self.decoder.decode(WebSession.self, from: Data(stored.utf8))
    }

    func save(_ session: WebSession, id: String) async throws {
        let data = try Self.encoder.encode(session)
        try await redis.set(key(id), String(decoding: data, as: UTF8.self), expireSeconds: Self.lifetimeSeconds)
    }

    func delete(_ id: String) async {
        _ = try? await redis.delete(key(id))
    }

    /// A login waiting for its MFA code (`web:mfa:<id>`, 5 minutes): the api's `mfa_session_id`,
    /// where to go next, and the MFA form's CSRF token.
    func savePendingMFA(_ pending: [String: String], id: String) async throws {
        try await redis.set("web:mfa:" + id, String(decoding: try Self.encoder.encode(pending), as: UTF8.self), expireSeconds: 300)
    }

    func pendingMFA(_ id: String) async throws -> [String: String]? {
        guard id.count == 43, let stored = try await redis.get("web:mfa:" + id) else { return nil }
        return try? Self.decoder.decode([String: String].self, from: Data(stored.utf8))
    }

    func deletePendingMFA(_ id: String) async {
        _ = try? await redis.delete("web:mfa:" + id)
    }
}
