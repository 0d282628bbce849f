import Foundation
import Logging
import PostgresNIO

/// Hourly clean-up of what expires: blacklisted access tokens past their own expiry, refresh
/// tokens, MFA sessions and reset tokens a day past theirs, install tokens expired for more
/// than 24 hours ("Cleanup automatique").
struct TokenCleanupJob: Sendable {
    let client: PostgresClient
    let logger: Logger

    static let statements: [(name: String, sql: String)] = [
        ("token_blacklist", "DELETE FROM token_blacklist WHERE expires_at < now() RETURNING 1"),
        ("refresh_tokens", "DELETE FROM refresh_tokens WHERE expires_at < now() - INTERVAL '1 day' RETURNING 1"),
        ("mfa_sessions", "DELETE FROM mfa_sessions WHERE expires_at < now() - INTERVAL '1 day' RETURNING 1"),
        ("password_reset_tokens", "DELETE FROM password_reset_tokens WHERE expires_at < now() - INTERVAL '1 day' RETURNING 1"),
        ("install_tokens", "DELETE FROM install_tokens WHERE expires_at < now() - INTERVAL '24 hours' RETURNING 1"),
    ]

    func run() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for (name, sql) in Self.statements {
            let deleted = try await client.query(PostgresQuery(unsafeSQL: "WITH deleted AS (\(sql)) SELECT count(*)::int FROM deleted"), logger: logger)
                .decode(Int.self).reduce(0, +)
            if deleted > 0 { counts[name] = deleted }
        }
        return counts
    }
}
