import Foundation
import Hummingbird
import OptralisCore
import OptralisRedis

/// The auth limits that count per account rather than per address, so colleagues behind one
/// office NAT do not use up each other's attempts: failed passwords and MFA codes per
/// (address, account), refreshes per token family. `AUTH_RATE_LIMIT` per window each.
struct AuthThrottle: Sendable {
    let limiter: RateLimiter

    /// Runs `attempt` under the failure limit of `key`: counted before it runs, so parallel
    /// guesses cannot overtake the count, and given back unless it ends in `failure`.
    func countingFailures<T>(scope: String, key: String, failure: AppError, _ attempt: () async throws -> T) async throws -> T {
        if case .limited(let seconds) = await limiter.check(scope: scope, key: key) { throw HTTPError.rateLimited(retryAfter: seconds) }
        do {
            let result = try await attempt()
            await limiter.release(scope: scope, key: key)
            return result
        } catch let error as AppError where error == failure {
            throw error
        } catch {
            await limiter.release(scope: scope, key: key)
            throw error
        }
    }

    /// Counts one refresh of a token family.
    func countRefresh(family: UUID) async throws {
        if case .limited(let seconds) = await limiter.check(scope: "refresh", key: family.uuidString.lowercased()) {
            throw HTTPError.rateLimited(retryAfter: seconds)
        }
    }

    /// The key of an account seen from an address: the email is hashed, so keys stay short and
    /// Redis holds no address book.
    static func key(ip: String?, account: String) -> String {
        "\(ip ?? "unknown"):\(SecureToken.sha256Hex(account.lowercased()))"
    }
}
