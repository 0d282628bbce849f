import Foundation
@testable import OptralisAI
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("AI quota: monthly units per client")
struct QuotaStoreTests {
    /// 2026-11-30T23:59:00Z, a minute before the month turns.
    let endOfNovember = Date(timeIntervalSince1970: 1_796_083_140)

    func withClient(licence: String, _ body: @Sendable (QuotaStore, PostgresClient, UUID) async throws -> Void) async throws {
        try await AIDatabase.run { db in
            let client = try await Seed.client(db, name: "Acme", licence: licence)
            try await body(QuotaStore(client: db, logger: testLogger), db, client)
        }
    }

    @Test func months_are_utc_calendar_months() {
        let (start, next, day) = QuotaStatus.month(of: endOfNovember)
        #expect(day == "2026-11-01")
        #expect(start == Date(timeIntervalSince1970: 1_793_491_200) && next == Date(timeIntervalSince1970: 1_796_083_200))
        #expect(QuotaStatus.month(of: endOfNovember.addingTimeInterval(60)).day == "2026-12-01")
    }

    @Test func units_are_taken_until_the_licence_limit() async throws {
        try await withClient(licence: "trial") { quota, _, client in
            let fresh = try #require(try await quota.status(clientID: client, now: endOfNovember))
            #expect(fresh.monthlyLimit == 50 && fresh.used == 0 && fresh.remaining == 50 && !fresh.isCustom)
            for _ in 0..<16 {
                #expect(try await quota.consume(clientID: client, cost: AnalysisKind.full.cost, now: endOfNovember))
            }
            #expect(try await quota.consume(clientID: client, cost: 3, now: endOfNovember) == false, "48 + 3 > 50")
            #expect(try await quota.consume(clientID: client, cost: 2, now: endOfNovember))
            #expect(try await quota.consume(clientID: client, cost: 1, now: endOfNovember) == false)
            let full = try #require(try await quota.status(clientID: client, now: endOfNovember))
            #expect(full.used == 50 && full.remaining == 0 && full.requestCount == 17)

            let december = endOfNovember.addingTimeInterval(60)
            #expect(try await quota.consume(clientID: client, cost: 5, now: december), "a new month starts from zero")
            #expect(try await quota.status(clientID: client, now: december)?.used == 5)
        }
    }

    @Test func a_custom_limit_replaces_the_licence_one() async throws {
        try await withClient(licence: "pro") { quota, _, client in
            #expect(try await quota.status(clientID: client, now: endOfNovember)?.monthlyLimit == 1500)
            #expect(try await quota.setLimit(clientID: client, monthlyLimit: 2, setBy: nil))
            #expect(try await quota.setLimit(clientID: client, monthlyLimit: 3, setBy: nil))
            let status = try #require(try await quota.status(clientID: client, now: endOfNovember))
            #expect(status.monthlyLimit == 3 && status.isCustom)
            #expect(try await quota.consume(clientID: client, cost: 3, now: endOfNovember))
            #expect(try await quota.consume(clientID: client, cost: 1, now: endOfNovember) == false)
            #expect(try await quota.setLimit(clientID: UUID(), monthlyLimit: 3, setBy: nil) == false)
            #expect(try await quota.setLimit(clientID: client, monthlyLimit: 3, setBy: UUID()), "an unknown author is not an error")
        }
    }

    @Test func concurrent_calls_never_pass_the_limit() async throws {
        try await withClient(licence: "trial") { quota, _, client in
            let granted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<80 {
                    group.addTask { try await quota.consume(clientID: client, cost: 1, now: endOfNovember) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(granted == 50)
            #expect(try await quota.status(clientID: client, now: endOfNovember)?.used == 50)
        }
    }

    @Test func an_unknown_client_has_no_quota() async throws {
        try await withClient(licence: "trial") { (quota: QuotaStore, _: PostgresClient, _: UUID) async throws in
            #expect(try await quota.status(clientID: UUID(), now: endOfNovember) == nil)
            #expect(try await quota.consume(clientID: UUID(), cost: 1, now: endOfNovember) == false)
            #expect(try await quota.consume(clientID: UUID(), cost: 0, now: endOfNovember), "free analyses need no quota")
        }
    }
}
