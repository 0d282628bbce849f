import HummingbirdBcrypt
import NIOPosix

/// bcrypt at cost 12, on NIO's blocking pool so a burst of logins never stalls the event loops
/// or the cooperative executor.
struct PasswordHasher: Sendable {
    static let cost: UInt8 = 12
    /// Verified against when the email is unknown, so both failures take the same time
    /// (a real cost-12 hash, made once on first use).
    static let timingDecoy = Bcrypt.hash(SecureToken.random(), cost: cost)

    func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: Self.cost) }
    }

    func verify(_ password: String, hash: String?) async throws -> Bool {
        let target = hash ?? Self.timingDecoy
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: target) }
        return matches && hash != nil
    }
}
