import Foundation
import Logging
import OptralisCore
import OptralisRedis
import PostgresNIO
import Synchronization

/// Whether a presented agent certificate may still be used: this replica's memory, over Redis
/// `cert:revoked:<serial>` ("1" refused, "0" good; 5 minutes at most), over PostgreSQL.
///
/// A certificate superseded by an agent's renewal keeps working until its `grace_until` (24 h,
/// the spec's soft-revoke), so an agent that lost its new files before saving them can still call
/// in and renew again. Only the ca's renewal writes `grace_until`, and any revocation of the
/// machine clears it: an admin revocation, whatever its reason, and a re-enrolment get no grace.
/// A cached "0" never outlives the grace (by more than ``localLifetime`` in memory).
///
/// Every agent request asks, so the answer is kept in memory too: a Redis round trip per
/// request was a fifth of the instructions of a collect post. What keeps that memory honest is
/// a generation counter in Redis (`cert:status:generation`): revocations, restores and machine
/// deletions made through any api replica delete the Redis entries and bump it, and each replica
/// reads it at most once per ``generationCheckInterval``, dropping its memory when it moved. So a
/// revocation reaches this replica's agents at once and the other replicas' within a second.
/// While Redis cannot be read, nothing is kept in memory and PostgreSQL answers each request.
struct CertificateStatusCache: Sendable {
    static let ttlSeconds = 300
    static let localLifetime: Duration = .seconds(60)
    static let generationCheckInterval: Duration = .seconds(1)
    static let generationKey = "cert:status:generation"

    let redis: RedisClient?
    let database: PostgresClient
    let logger: Logger
    private let memory = Memory()

    init(redis: RedisClient?, database: PostgresClient, logger: Logger) {
        self.redis = redis
        self.database = database
        self.logger = logger
    }

    static func key(_ serial: String) -> String { "cert:revoked:\(serial)" }

    func isCurrent(serial: String, clientID: UUID, machineID: UUID) async throws -> Bool {
        let now = ContinuousClock.now
        if await memoryIsTrusted(at: now), let known = memory.lookup(serial, at: now) { return known }
        if let redis, let cached = try? await redis.get(Self.key(serial)) {
            let current = cached == "0"
            memory.store(serial, current, until: now + Self.localLifetime)
            return current
        }
        // Seconds this certificate stays acceptable, capped at the cache TTL; no row: refused.
        let remaining = try await database.query(
            """
            SELECT LEAST(\(Self.ttlSeconds), EXTRACT(EPOCH FROM LEAST(c.expires_at, COALESCE(c.grace_until, c.expires_at)) - now()))::int
            FROM client_certificates c JOIN machines m ON m.id = c.machine_id AND m.client_id = c.client_id
            WHERE c.serial = \(serial) AND c.machine_id = \(machineID) AND c.client_id = \(clientID) AND c.expires_at > now()
              AND (c.revoked_at IS NULL OR c.grace_until > now())
            """, logger: logger
        ).decode(Int.self).collect().first
        let goodFor = remaining.flatMap { $0 > 0 ? $0 : nil }
        let lifetime = goodFor ?? Self.ttlSeconds
        if (try? await redis?.set(Self.key(serial), goodFor == nil ? "1" : "0", expireSeconds: lifetime)) != nil {
            memory.store(serial, goodFor != nil, until: now + min(Self.localLifetime, .seconds(lifetime)))
        }
        return goodFor != nil
    }

    func invalidate(serials: [String]) async {
        memory.forget(serials)
        _ = try? await redis?.delete(serials.map(Self.key))
        _ = try? await redis?.command("INCR", Self.generationKey)
    }

    /// Drops every cached status; returns how many entries went.
    func clear() async throws -> Int {
        memory.forgetAll()
        guard let redis else { return 0 }
        let keys = try await redis.scanKeys(matching: "cert:revoked:*")
        let deleted = try await redis.delete(keys)
        _ = try await redis.command("INCR", Self.generationKey)
        return deleted
    }

    /// Whether the memory may answer: the generation was read within the interval and had not
    /// moved (read again here when it is due; the memory is dropped when it moved or cannot be
    /// read). Without Redis the memory is never used.
    private func memoryIsTrusted(at now: ContinuousClock.Instant) async -> Bool {
        guard let redis else { return false }
        guard memory.generationCheckIsDue(at: now) else { return memory.isTrusted }
        let generation: String?
        do {
            generation = try await redis.get(Self.generationKey) ?? ""
        } catch {
            generation = nil
        }
        return memory.observe(generation: generation, at: now)
    }

    /// This replica's statuses, by serial.
    private final class Memory: Sendable {
        private struct State {
            var entries: [String: (current: Bool, until: ContinuousClock.Instant)] = [:]
            var generation: String?
            var checkedAt: ContinuousClock.Instant?
            var trusted = false
        }
        private let state = Mutex(State())

        func lookup(_ serial: String, at now: ContinuousClock.Instant) -> Bool? {
            state.withLock { state in
                guard let entry = state.entries[serial], entry.until > now else { return nil }
                return entry.current
            }
        }

        func store(_ serial: String, _ current: Bool, until: ContinuousClock.Instant) {
            state.withLock { state in
                guard state.trusted else { return }
                state.entries[serial] = (current, until)
            }
        }

        func forget(_ serials: [String]) {
            state.withLock { state in for serial in serials { state.entries[serial] = nil } }
        }

        func forgetAll() {
            state.withLock { $0.entries.removeAll() }
        }

        var isTrusted: Bool { state.withLock(\.trusted) }

        /// True once per interval: the caller reads the generation (others go on meanwhile).
        func generationCheckIsDue(at now: ContinuousClock.Instant) -> Bool {
            state.withLock { state in
                if let checkedAt = state.checkedAt, now - checkedAt < CertificateStatusCache.generationCheckInterval { return false }
                state.checkedAt = now
                return true
            }
        }

        /// Records the generation read (nil: Redis could not be read); whether the memory may answer.
        func observe(generation: String?, at now: ContinuousClock.Instant) -> Bool {
            state.withLock { state in
                if generation == nil || generation != state.generation {
                    state.entries.removeAll()
                    // A bump between the read and now only costs a second: the next check drops it.
                    state.generation = generation
                }
                state.trusted = generation != nil
                return state.trusted
            }
        }
    }
}
