import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
@testable import OptralisAI
import OptralisTestSupport
import PostgresNIO
import Testing

/// The real ai application on a database of its own and the test Redis, driven over HTTP.
struct AIHarness: Sendable {
    let database: TestDatabase
    let client: any TestClientProtocol

    static let token = String(repeating: "i", count: 40)

    static func run(environment extra: [String: String] = [:], _ body: @Sendable (AIHarness) async throws -> Void) async throws {
        let database = try await TestDatabase.create()
        var environment = [
            "DATABASE_URL": database.url.urlString, "REDIS_URL": try TestEnvironment.variable("OPTRALIS_TEST_REDIS_URL"),
            "INTERNAL_SERVICE_TOKEN": token, "BIND_ADDRESS": "127.0.0.1", "AI_PORT": "0",
            // Tests share one Redis: a reply another test cached must not answer for this one's
            // fake Claude (the cache has its own tests, ClaudeReplyCacheTests).
            "AI_CACHE_TTL_MINUTES": "0",
        ]
        environment.merge(extra) { _, new in new }
        var logger = Logger(label: "ai-test")
        logger.logLevel = .critical
        let app = AIServer(configuration: try AIConfiguration(environment: environment), logger: logger).makeApplication()
        do {
            try await app.test(.live) { client in
                try await body(AIHarness(database: database, client: client))
            }
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }

    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: ByteBuffer

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:] }
        var text: String { String(buffer: body) }
    }

    func post(_ path: String, clientID: UUID?, json: [String: Any], token: String? = AIHarness.token) async throws -> Reply {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.internalToken] = token }
        if let clientID { headers[.clientID] = clientID.uuidString }
        return try await client.execute(
            uri: path, method: .post, headers: headers, body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
        ) { Reply(status: $0.status, headers: $0.headers, body: $0.body) }
    }

    func get(_ path: String, clientID: UUID?, token: String? = AIHarness.token) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let token { headers[.internalToken] = token }
        if let clientID { headers[.clientID] = clientID.uuidString }
        return try await client.execute(uri: path, method: .get, headers: headers, body: nil) {
            Reply(status: $0.status, headers: $0.headers, body: $0.body)
        }
    }

    func withDatabase<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        try await database.withClient(body)
    }
}
