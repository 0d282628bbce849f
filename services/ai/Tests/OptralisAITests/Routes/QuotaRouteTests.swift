import Foundation
import HTTPTypes
@testable import OptralisAI
import OptralisTestSupport
import Testing

@Suite("GET /ai/quota, POST /ai/quota/set")
struct QuotaRouteTests {
    @Test func reads_and_sets_the_monthly_quota() async throws {
        try await AIHarness.run { harness in
            let client = try await harness.withDatabase { db in
                try await Seed.client(db, name: "Acme", licence: "essentials")
            }
            let initial = try await harness.get("/ai/quota", clientID: client)
            #expect(initial.status == .ok, "\(initial.text)")
            #expect(initial.json["monthly_limit"] as? Int == 300 && initial.json["used"] as? Int == 0 && initial.json["remaining"] as? Int == 300)
            #expect(initial.json["custom"] as? Bool == false && initial.json["resets_at"] is String)

            let set = try await harness.post("/ai/quota/set", clientID: nil, json: ["client_id": client.uuidString, "monthly_limit": 20])
            #expect(set.status == .ok, "\(set.text)")
            #expect(set.json["monthly_limit"] as? Int == 20 && set.json["custom"] as? Bool == true)
            #expect(try await harness.get("/ai/quota", clientID: client).json["remaining"] as? Int == 20)
        }
    }

    @Test func refusals() async throws {
        try await AIHarness.run { harness in
            let client = try await harness.withDatabase { db in try await Seed.client(db, name: "Acme") }
            #expect(try await harness.get("/ai/quota", clientID: nil).json["code"] as? String == "CLIENT_ID_REQUIRED")
            #expect(try await harness.get("/ai/quota", clientID: UUID()).status == .notFound)
            #expect(try await harness.get("/ai/quota", clientID: client, token: "wrong").status == .unauthorized)
            let negative = try await harness.post("/ai/quota/set", clientID: nil, json: ["client_id": client.uuidString, "monthly_limit": -1])
            #expect(negative.status == .badRequest && negative.json["code"] as? String == "VALIDATION_ERROR")
            let unknown = try await harness.post("/ai/quota/set", clientID: nil, json: ["client_id": UUID().uuidString, "monthly_limit": 5])
            #expect(unknown.status == .notFound && unknown.json["code"] as? String == "CLIENT_NOT_FOUND")
        }
    }
}
