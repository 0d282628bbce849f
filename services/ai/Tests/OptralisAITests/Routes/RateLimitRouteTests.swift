import Foundation
import Hummingbird
import HummingbirdTesting
@testable import OptralisAI
import OptralisRedis
import OptralisTestSupport
import Testing

@Suite("AI_RATE_LIMIT_PER_MINUTE: /ai/* requests per client per minute")
struct RateLimitRouteTests {
    @Test func a_client_over_its_budget_waits_and_others_do_not() async throws {
        try await AIHarness.run(environment: ["AI_RATE_LIMIT_PER_MINUTE": "3"]) { harness in
            let (client, other) = try await harness.withDatabase { db in
                (
                    try await Seed.client(db, name: "Acme"),
                    try await Seed.client(db, name: "Globex")
                )
            }
            #expect(try await harness.get("/ai/quota", clientID: client, token: nil).status == .unauthorized)
            for _ in 1...3 { #expect(try await harness.get("/ai/quota", clientID: client).status == .ok, "the token-less call did not count") }
            let limited = try await harness.post("/ai/analyze/logs", clientID: client, json: ["machine_id": UUID().uuidString])
            #expect(limited.status == .tooManyRequests && limited.json["code"] as? String == "RATE_LIMITED", "\(limited.text)")
            let wait = try #require(limited.json["retry_after"] as? Int)
            #expect((1...60).contains(wait) && limited.headers[.retryAfter] == String(wait))
            #expect(try await harness.get("/ai/reports", clientID: client).status == .tooManyRequests, "every /ai/* route shares the budget")

            #expect(try await harness.get("/ai/quota", clientID: other).status == .ok, "another client has its own budget")
            for _ in 1...5 { #expect(try await harness.get("/health", clientID: nil, token: nil).status == .ok) }
        }
    }

    @Test func zero_turns_the_limit_off() async throws {
        try await AIHarness.run(environment: ["AI_RATE_LIMIT_PER_MINUTE": "0"]) { harness in
            let client = try await harness.withDatabase { db in try await Seed.client(db, name: "Acme") }
            for _ in 1...70 { #expect(try await harness.get("/ai/quota", clientID: client).status == .ok) }
        }
    }

    @Test func with_redis_down_requests_go_through() async throws {
        let closed = RedisClient(url: RedisURL(host: "127.0.0.1", port: 1), maximumConnections: 1, logger: testLogger)
        let router = Router()
        router.add(middleware: ClientRateLimitMiddleware(limiter: RateLimiter(redis: closed, limit: 1, windowSeconds: 60, logger: testLogger)))
        router.get("ai/quota") { _, _ in "{}" }
        let client = UUID().uuidString
        do {
            try await Application(router: router).test(.router) { http in
                for _ in 1...3 {
                    try await http.execute(uri: "/ai/quota", method: .get, headers: [.clientID: client]) { #expect($0.status == .ok) }
                }
            }
        } catch {
            await closed.shutdown()
            throw error
        }
        await closed.shutdown()
    }
}
