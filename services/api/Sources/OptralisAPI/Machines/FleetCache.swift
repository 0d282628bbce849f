import Foundation
import Logging
import OptralisRedis

/// The spec's Redis cache ("Cache Redis"): read-through JSON entries with a TTL, and the
/// invalidation of a client's machine entries when its machines change. Redis is optional:
/// without it, when it is down, or when an entry does not decode, the value is computed from
/// PostgreSQL and served uncached, and the failure is logged once per call.
struct FleetCache: Sendable {
    let redis: RedisClient?
    /// `CACHE_KEY_PREFIX` (default none): lets installations, or test runs, share one Redis.
    let prefix: String
    let logger: Logger
    /// In front of the `agent:version:…` entries (``AgentCatalog/latest(channel:platform:architecture:)``).
    let latestVersions = LatestVersionCache()

    init(redis: RedisClient?, prefix: String = "", logger: Logger) {
        self.redis = redis
        self.prefix = prefix
        self.logger = logger
    }

    /// The spec's keys and TTLs.
    enum Entry {
        /// `client:id:<uuid>`, 5 minutes.
        case client(UUID)
        /// `machines:count:<clientID>`, 1 minute.
        case machineCount(UUID)
        /// `machines:list:<clientID>:<query>`, 30 seconds: one entry per filter, page and sort,
        /// all under the client's prefix so one pattern invalidates them.
        case machineList(UUID, query: String)
        /// `agent:version:<channel>:<platform>:<architecture>`, 5 minutes.
        case agentVersion(channel: String, platform: String, architecture: String)
        /// `landing:stats`, 60 seconds.
        case landingStats
        /// `windows:versions`, 1 hour (the table changes only on a refresh, which replaces it).
        case windowsVersions
        /// `status:external`, 60 seconds: UptimeRobot's monitors for the public status page.
        case externalStatus

        var key: String {
            switch self {
            case .client(let id): "client:id:\(id.lowercased)"
            case .machineCount(let id): "machines:count:\(id.lowercased)"
            case .machineList(let id, let query): "machines:list:\(id.lowercased):\(query)"
            case .agentVersion(let channel, let platform, let architecture): "agent:version:\(channel):\(platform):\(architecture)"
            case .landingStats: "landing:stats"
            case .windowsVersions: "windows:versions"
            case .externalStatus: "status:external"
            }
        }

        var seconds: Int {
            switch self {
            case .client, .agentVersion: 300
            case .machineCount, .landingStats, .externalStatus: 60
            case .machineList: 30
            case .windowsVersions: 3600
            }
        }
    }

    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    /// The cached value of `entry`, or `compute()` stored for the entry's TTL.
    func value<Value: Codable & Sendable>(_ entry: Entry, compute: () async throws -> Value) async throws -> Value {
        guard let redis else { return try await compute() }
        let key = prefix + entry.key
        do {
            if let stored = try await redis.get(key), let value = try? Self.decoder.decode(Value.self, from: Data(stored.utf8)) {
                return value
            }
        } catch {
            logger.warning("cache read skipped: Redis unavailable", metadata: ["key": "\(key)", "error": "\(error)"])
            return try await compute()
        }
        let value = try await compute()
        if let data = try? Self.encoder.encode(value) {
            do {
                try await redis.set(key, String(decoding: data, as: UTF8.self), expireSeconds: entry.seconds)
            } catch {
                logger.warning("cache write skipped: Redis unavailable", metadata: ["key": "\(key)", "error": "\(error)"])
            }
        }
        return value
    }

    /// After machines of a client are created, deleted or changed: its count and every cached
    /// page of its list (the spec's `InvalidateMachineCache`).
    func invalidateMachines(clientID: UUID) async {
        await delete(exact: [Entry.machineCount(clientID).key], patterns: ["machines:list:\(clientID.lowercased):*"])
    }

    /// After a client's row or licence changes; nil: every client (a licence type changed).
    func invalidateClient(_ id: UUID?) async {
        if let id { await delete(exact: [Entry.client(id).key], patterns: []) } else { await delete(exact: [], patterns: ["client:id:*"]) }
    }

    func invalidate(_ entry: Entry) async {
        await delete(exact: [entry.key], patterns: [])
    }

    /// After an agent version is created, changed, promoted or deleted.
    func invalidateAgentVersions() async {
        await delete(exact: [], patterns: ["agent:version:*"])
        latestVersions.removeAll()
    }

    private func delete(exact: [String], patterns: [String]) async {
        guard let redis else { return }
        do {
            var keys = exact.map { prefix + $0 }
            for pattern in patterns { keys += try await redis.scanKeys(matching: prefix + pattern) }
            if !keys.isEmpty { _ = try await redis.delete(keys) }
        } catch {
            // Entries expire by themselves within their TTL; a failed invalidation only delays that.
            logger.warning("cache invalidation skipped: Redis unavailable", metadata: ["keys": "\(exact + patterns)", "error": "\(error)"])
        }
    }
}

extension UUID {
    /// The lowercase text form used in cache keys and URLs.
    var lowercased: String { uuidString.lowercased() }
}
