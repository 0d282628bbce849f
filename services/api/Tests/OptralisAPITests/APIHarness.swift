import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import Logging
@testable import OptralisAPI
import OptralisTestSupport
import PostgresNIO
import Testing

/// The real api application on a database of its own and the test Redis, driven over HTTP
/// (`.live`: real sockets). Requests carry an `X-Real-IP` unique to the harness, so the auth
/// rate limits of concurrent suites never collide.
struct APIHarness: Sendable {
    let database: TestDatabase
    let client: any TestClientProtocol
    let ip: String
    /// This run's `CACHE_KEY_PREFIX`: suites share the test Redis, not their cache entries.
    let cachePrefix: String
    let redisURL: String
    /// The replica's own copy of the agent versions (``LatestVersionCache``).
    let latestVersions: LatestVersionCache

    static let password = "Correct-Horse-9!"
    /// One cost-12 hash of ``password`` for every seeded user (bcrypt is slow on purpose).
    static let passwordHash = Bcrypt.hash(password, cost: 12)
    /// What the api and the ca of ``runWithCA(caDirectory:redisURL:database:environment:_:)`` share.
    static let caToken = String(repeating: "c", count: 40)

    /// `database`: one the caller owns (a cluster of its own) instead of a copy of the template,
    /// left in place afterwards.
    static func run(
        redisURL: String? = nil, database given: TestDatabase? = nil, environment extra: [String: String] = [:],
        _ body: @Sendable (APIHarness) async throws -> Void
    ) async throws {
        let database: TestDatabase
        if let given { database = given } else { database = try await TestDatabase.create() }
        var environment: [String: String] = [
            "DATABASE_URL": database.url.urlString, "JWT_SECRET": String(repeating: "s", count: 48),
            "DATABASE_CREDENTIALS_KEY": String(repeating: "5e", count: 32),
            "INTERNAL_SERVICE_TOKEN": String(repeating: "i", count: 40), "CA_SERVICE_TOKEN": APIHarness.caToken, "TRUST_PROXY_HEADERS": "true",
            "PUBLIC_URL": "https://monitoring.test", "OPTRALIS_MIGRATIONS_DIR": TestEnvironment.migrationsDirectory,
            "BIND_ADDRESS": "127.0.0.1", "PORT": "0", "CACHE_KEY_PREFIX": "t\(UUID().uuidString.prefix(8).lowercased()):",
        ]
        environment["REDIS_URL"] = try redisURL ?? TestEnvironment.variable("OPTRALIS_TEST_REDIS_URL")
        environment.merge(extra) { _, new in new }
        let configuration = try APIConfiguration(environment: environment)
        let redisURL = environment["REDIS_URL"] ?? ""
        var logger = Logger(label: "api-test")
        logger.logLevel = .critical
        let server = await APIServer(configuration: configuration, logger: logger)
        let app = try server.makeApplication()
        let ip = "10.\(Int.random(in: 0...255)).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
        do {
            try await app.test(.live) { client in
                try await body(
                    APIHarness(
                        database: database, client: client, ip: ip, cachePrefix: configuration.cacheKeyPrefix, redisURL: redisURL,
                        latestVersions: server.dependencies.cache.latestVersions))
            }
        } catch {
            if given == nil { try? await database.drop() }
            throw error
        }
        if given == nil { try await database.drop() }
    }

    // MARK: Seeding

    /// Forgets the cached agent versions, as their TTLs would (5 minutes in Redis, 30 s in the
    /// replica): tests that write `agent_versions` in SQL bypass the admin routes that invalidate them.
    func expireCachedAgentVersions() async throws {
        for key in try await RedisProbe.keys(url: redisURL, matching: "\(cachePrefix)agent:version:*") {
            try await RedisProbe.delete(url: redisURL, key: key)
        }
        latestVersions.removeAll()
    }

    func sql(_ query: PostgresQuery) async throws {
        try await database.withClient { client in _ = try await client.query(query, logger: testLogger) }
    }

    func seedClient(_ name: String = "Client \(UUID().uuidString.prefix(6))") async throws -> UUID {
        try await database.withClient { try await Seed.client($0, name: name) }
    }

    /// A machine row of `client` (no certificate, never seen).
    func seedMachine(client clientID: UUID, hostname: String) async throws -> UUID {
        try await database.withClient { try await Seed.machine($0, client: clientID, hostname: hostname) }
    }

    /// A user with ``password``, no forced change unless asked.
    func seedUser(client clientID: UUID?, role: String, email: String? = nil, mustChange: Bool = false) async throws -> (id: UUID, email: String) {
        try await database.withClient {
            try await Seed.user($0, client: clientID, role: role, passwordHash: Self.passwordHash, email: email, mustChangePassword: mustChange)
        }
    }

    // MARK: HTTP

    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: ByteBuffer

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:] }
        var code: String? { json["code"] as? String }
        var text: String { String(buffer: body) }
        func string(_ key: String) -> String? { json[key] as? String }
        /// The `Set-Cookie` header of a cookie, by name.
        func cookie(_ name: String) -> String? { headers[values: .setCookie].first { $0.hasPrefix("\(name)=") } }
        func cookieValue(_ name: String) -> String? {
            cookie(name).map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) }
        }
    }

    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: [String: Any]? = nil,
        headers extra: HTTPFields = [:], ip: String? = nil
    ) async throws -> Reply {
        var headers = extra
        headers[HTTPField.Name("X-Real-IP")!] = ip ?? self.ip
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            Reply(status: response.status, headers: response.headers, body: response.body)
        }
    }

    /// Logs in (no MFA) and returns the access and refresh tokens.
    func login(_ email: String, password: String = APIHarness.password) async throws -> (access: String, refresh: String) {
        let reply = try await send(.post, "/auth/login", json: ["email": email, "password": password])
        try #require(reply.status == .ok, "login failed: \(reply.text)")
        return (try #require(reply.string("access_token")), try #require(reply.string("refresh_token")))
    }
}
