import Foundation
import OptralisTestSupport
import PostgresNIO
import Testing

/// Issue 17, item 9: a suspended or expired licence used to change nothing: its users logged in
/// and its agents posted.
@Suite("Licence status: suspended and expired clients")
struct LicenceStatusTests {
    /// Each login from an address of its own: the per-IP login limit is not what this tests.
    static func freshIP() -> String { "10.\(Int.random(in: 0...255)).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))" }

    @Test func users_of_a_suspended_or_expired_client_get_no_tokens() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let admin = try await api.seedUser(client: client, role: "admin")
            let session = try await api.login(admin.email)
            let superAdmin = try await api.seedUser(client: nil, role: "super_admin")

            try await api.sql("UPDATE clients SET license_status = 'suspended' WHERE id = \(client)")
            let suspended = try await api.send(.post, "/auth/login", json: ["email": admin.email, "password": APIHarness.password], ip: Self.freshIP())
            #expect(suspended.status == .forbidden && suspended.code == "LICENSE_SUSPENDED", "\(suspended.text)")
            #expect(suspended.string("access_token") == nil && suspended.cookie("optralis_access") == nil)
            let refreshed = try await api.send(.post, "/auth/refresh", json: ["refresh_token": session.refresh], ip: Self.freshIP())
            #expect(refreshed.status == .forbidden && refreshed.code == "LICENSE_SUSPENDED", "a refresh is refused too: \(refreshed.text)")
            let wrong = try await api.send(.post, "/auth/login", json: ["email": admin.email, "password": "Wrong-Password-1!"], ip: Self.freshIP())
            #expect(wrong.status == .unauthorized, "a wrong password says nothing about the licence")

            try await api.sql("UPDATE clients SET license_status = 'expired' WHERE id = \(client)")
            #expect(
                try await api.send(.post, "/auth/login", json: ["email": admin.email, "password": APIHarness.password], ip: Self.freshIP()).code
                    == "LICENSE_EXPIRED")
            try await api.sql("UPDATE clients SET license_status = 'active', license_expires_at = now() - interval '1 day' WHERE id = \(client)")
            #expect(
                try await api.send(.post, "/auth/login", json: ["email": admin.email, "password": APIHarness.password], ip: Self.freshIP()).code
                    == "LICENSE_EXPIRED",
                "an expiry date in the past is an expired licence")

            try await api.sql("UPDATE clients SET license_expires_at = now() + interval '30 days' WHERE id = \(client)")
            #expect(try await api.send(.post, "/auth/login", json: ["email": admin.email, "password": APIHarness.password], ip: Self.freshIP()).status == .ok)
            _ = try await api.login(superAdmin.email)
        }
    }

    @Test func agents_of_a_suspended_client_keep_their_data_until_the_licence_returns() async throws {
        try await AgentTestBed.runWithAgent { bed, installed in
            let machine = installed.machine
            let running = try installed.run(environment: ["AGENT_LICENCE_RETRY_SECONDS": "2"])
            func rows() async -> Int {
                (try? await bed.count("SELECT count(*)::int FROM metrics WHERE machine_id = \(machine) AND cpu_percent IS NOT NULL")) ?? -1
            }
            func waiting() -> Int {
                ((try? FileManager.default.contentsOfDirectory(atPath: installed.state + "/spool/metrics")) ?? []).filter { $0.hasSuffix(".json") }.count
            }
            #expect(await eventually(timeout: .seconds(40)) { await rows() >= 1 }, "\(running.output.suffix(1500))")

            try await bed.api.sql("UPDATE clients SET license_status = 'suspended' WHERE id = (SELECT client_id FROM machines WHERE id = \(machine))")
            // The gateway reads a client's licence at most every 30 s.
            let paused = await eventually(timeout: .seconds(90)) {
                running.output.contains("licence inactive, posts kept in the spool") && waiting() >= 2
            }
            #expect(paused, "\(running.output.suffix(1500))")
            let during = await rows()
            #expect(running.isRunning, "the agent keeps running")

            try await bed.api.sql("UPDATE clients SET license_status = 'active' WHERE id = (SELECT client_id FROM machines WHERE id = \(machine))")
            let spooled = waiting()
            let drained = await eventually(timeout: .seconds(90)) {
                let stored = await rows()
                return waiting() == 0 && stored >= during + spooled
            }
            let stored = await rows()
            #expect(drained, "rows \(stored), waiting \(waiting()):\n\(running.output.suffix(1500))")
            running.signal(SIGTERM)
            #expect(await running.waitForExit(timeout: .seconds(15)) == 0, "\(running.output.suffix(1500))")
        }
    }
}
