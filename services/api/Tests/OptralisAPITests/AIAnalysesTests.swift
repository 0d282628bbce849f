import Foundation
import OptralisTestSupport
import Testing

@Suite("/api/ai/analyses: the client's past analyses")
struct AIAnalysesTests {
    @Test func observers_read_their_clients_analyses_newest_first_one_machines_or_one_with_its_result() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let other = try await api.seedClient()
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let (web, db, theirs) = try await api.database.withClient { db in
                func machine(_ client: UUID, _ name: String) async throws -> UUID {
                    try await db.query("INSERT INTO machines (client_id, hostname) VALUES (\(client), \(name)) RETURNING id", logger: testLogger)
                        .decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                }
                return (try await machine(client, "web-01"), try await machine(client, "db-01"), try await machine(other, "srv-99"))
            }
            try await api.sql(
                """
                INSERT INTO ai_analysis_results (client_id, machine_id, analysis_type, source, language, summary, result, overall_score, risk_level, quota_cost, created_at)
                VALUES (\(client), \(web), 'health_score', 'user', 'en', 'Healthy.', '{"overall_score": 91, "summary": "Healthy."}', 91, 'low', 1, now() - interval '2 hours'),
                       (\(client), \(db), 'full', 'routine', 'fr', 'Disque plein.', '{"analysis_type": "full", "summary": "Disque plein."}', NULL, NULL, 3, now() - interval '1 hour'),
                       (\(other), \(theirs), 'logs', 'user', 'en', 'Theirs.', '{}', NULL, NULL, 1, now())
                """)

            let all = try await api.send(.get, "/api/ai/analyses", token: observer)
            let listed = all.json["analyses"] as? [[String: Any]] ?? []
            #expect(
                all.status == .ok && listed.map { $0["machine_hostname"] as? String } == ["db-01", "web-01"], "newest first, this client's only: \(all.text)")
            #expect(listed.first?["source"] as? String == "routine" && listed.first?["quota_cost"] as? Int == 3 && listed.first?["result"] == nil)
            let one = try await api.send(.get, "/api/ai/analyses?machine_id=\(web.uuidString)&limit=5", token: observer)
            let only = one.json["analyses"] as? [[String: Any]] ?? []
            #expect(only.count == 1 && only.first?["overall_score"] as? Int == 91 && only.first?["risk_level"] as? String == "low", "\(one.text)")

            let id = try #require(only.first?["id"] as? String)
            let detail = try await api.send(.get, "/api/ai/analyses/\(id)", token: observer)
            #expect(detail.status == .ok && (detail.json["result"] as? [String: Any])?["overall_score"] as? Int == 91, "\(detail.text)")
            let stranger = try await api.login(try await api.seedUser(client: other, role: "admin").email).access
            #expect(try await api.send(.get, "/api/ai/analyses/\(id)", token: stranger).status == .notFound, "another client's analysis")
            #expect(try await api.send(.get, "/api/ai/analyses?machine_id=web-01", token: observer).code == "VALIDATION_ERROR")
            #expect(try await api.send(.get, "/api/ai/analyses?limit=500", token: observer).status == .badRequest)
        }
    }
}
