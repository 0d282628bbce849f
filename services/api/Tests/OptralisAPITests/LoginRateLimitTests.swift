import Foundation
import HTTPTypes
@testable import OptralisAPI
import OptralisTestSupport
import Testing

/// The spec's 5 per 15 minutes, counted where it stops guessing without locking out an office:
/// failed logins and MFA codes per (address, account), every attempt per address under a higher
/// ceiling, refreshes per token family.
@Suite("Login limits behind a shared address")
struct LoginRateLimitTests {
    static func otherIP() -> String { "192.0.2.\(Int.random(in: 1...254))" }

    /// Six users of one client, each logged in from an address of its own: their login replies.
    static func sixColleaguesLoggedIn(_ api: APIHarness) async throws -> [APIHarness.Reply] {
        let client = try await api.seedClient()
        var replies: [APIHarness.Reply] = []
        for _ in 1...6 {
            let user = try await api.seedUser(client: client, role: "observer")
            let login = try await api.send(.post, "/auth/login", json: ["email": user.email, "password": APIHarness.password], ip: otherIP())
            try #require(login.status == .ok, "\(login.text)")
            replies.append(login)
        }
        return replies
    }

    @Test func six_colleagues_behind_one_address_all_log_in() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            for colleague in 1...6 {
                let user = try await api.seedUser(client: client, role: "observer")
                let reply = try await api.send(.post, "/auth/login", json: ["email": user.email, "password": APIHarness.password])
                #expect(reply.status == .ok, "colleague \(colleague): \(reply.text)")
            }
        }
    }

    @Test func five_failures_lock_that_account_from_that_address_only() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let target = try await api.seedUser(client: client, role: "admin")
            let colleague = try await api.seedUser(client: client, role: "observer")
            for attempt in 1...5 {
                let reply = try await api.send(.post, "/auth/login", json: ["email": target.email, "password": "Wrong-Password-\(attempt)!"])
                #expect(reply.status == .unauthorized, "failure \(attempt) is answered: \(reply.text)")
            }
            let sixth = try await api.send(.post, "/auth/login", json: ["email": target.email.uppercased(), "password": APIHarness.password])
            #expect(sixth.status == .tooManyRequests, "even the right password, once 5 failed: \(sixth.text)")
            #expect(sixth.code == "RATE_LIMITED")
            let retryAfter = try #require(sixth.headers[.retryAfter].flatMap(Int.init))
            #expect((1...900).contains(retryAfter))

            let neighbour = try await api.send(.post, "/auth/login", json: ["email": colleague.email, "password": APIHarness.password])
            #expect(neighbour.status == .ok, "another account behind the same address: \(neighbour.text)")
            let elsewhere = try await api.send(.post, "/auth/login", json: ["email": target.email, "password": APIHarness.password], ip: Self.otherIP())
            #expect(elsewhere.status == .ok, "the same account from another address: \(elsewhere.text)")
        }
    }

    @Test func every_login_attempt_counts_toward_the_per_address_ceiling() async throws {
        // Bodies the handler refuses at once (no bcrypt): they are no account's failure, but they are attempts.
        try await APIHarness.run(environment: ["AUTH_RATE_LIMIT_PER_IP": "8"]) { api in
            for attempt in 1...8 {
                let reply = try await api.send(.post, "/auth/login", json: ["email": "x@example.com"])
                #expect(reply.status == .badRequest, "attempt \(attempt) reaches the handler: \(reply.text)")
            }
            let ninth = try await api.send(.post, "/auth/login", json: ["email": "x@example.com"])
            #expect(ninth.status == .tooManyRequests)
            #expect(ninth.headers[.retryAfter].flatMap(Int.init) != nil)
            #expect(try await api.send(.post, "/auth/login", json: ["email": "x@example.com"], ip: Self.otherIP()).status == .badRequest)
        }
    }

    @Test func failed_mfa_codes_are_limited_per_account_not_per_address() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            var totps: [(email: String, totp: TOTP)] = []
            for _ in 1...6 {
                let user = try await api.seedUser(client: client, role: "observer")
                totps.append((user.email, try await api.enableMFA(user.id).totp))
            }
            for (index, colleague) in totps.enumerated() {
                let first = try await api.send(.post, "/auth/login", json: ["email": colleague.email, "password": APIHarness.password], ip: Self.otherIP())
                let session = try #require(first.string("mfa_session_id"))
                let verified = try await api.send(.post, "/auth/mfa/verify", json: ["mfa_session_id": session, "code": colleague.totp.code(at: Date())])
                #expect(verified.status == .ok, "colleague \(index + 1) behind the same address: \(verified.text)")
            }

            let target = totps[0]
            let opened = try await api.send(.post, "/auth/login", json: ["email": target.email, "password": APIHarness.password])
            let session = try #require(opened.string("mfa_session_id"))
            for attempt in 1...4 {
                let reply = try await api.send(.post, "/auth/mfa/verify", json: ["mfa_session_id": session, "code": target.totp.wrongCode()])
                #expect(reply.status == .unauthorized, "wrong code \(attempt): \(reply.text)")
            }
            // The session's own five attempts are spent by the fifth: a new session for the last.
            let reopened = try await api.send(.post, "/auth/login", json: ["email": target.email, "password": APIHarness.password])
            let last = try #require(reopened.string("mfa_session_id"))
            #expect(try await api.send(.post, "/auth/mfa/verify", json: ["mfa_session_id": last, "code": target.totp.wrongCode()]).status == .unauthorized)
            let sixth = try await api.send(
                .post, "/auth/mfa/verify", json: ["mfa_session_id": last, "code": target.totp.code(at: Date().addingTimeInterval(30))])
            #expect(sixth.status == .tooManyRequests, "five wrong codes for this account from this address: \(sixth.text)")
            #expect(sixth.headers[.retryAfter].flatMap(Int.init) != nil)
        }
    }

    /// `POST /api/change-password` and the MFA activation and removal: six colleagues changing
    /// their first password together, behind one address, are not one budget.
    @Test func password_checks_are_limited_per_user_not_per_address() async throws {
        try await APIHarness.run { api in
            let tokens = try await Self.sixColleaguesLoggedIn(api).map { try #require($0.string("access_token")) }
            let wrong: [String: Any] = ["current_password": "Wrong-Password-1!", "new_password": "Brand-New-Pass-1!"]
            for (index, token) in tokens.enumerated() {
                let reply = try await api.send(.post, "/api/change-password", token: token, json: wrong)
                #expect(reply.code == "INVALID_PASSWORD", "colleague \(index + 1) behind the same address: \(reply.text)")
            }
            for _ in 2...5 { _ = try await api.send(.post, "/api/change-password", token: tokens[0], json: wrong, ip: Self.otherIP()) }
            let sixth = try await api.send(.post, "/api/change-password", token: tokens[0], json: wrong, ip: Self.otherIP())
            #expect(sixth.status == .tooManyRequests, "one user's sixth check, from any address: \(sixth.text)")
        }
    }

    @Test func refresh_is_limited_per_token_family_not_per_address() async throws {
        try await APIHarness.run { api in
            var sessions = try await Self.sixColleaguesLoggedIn(api).map { try #require($0.string("refresh_token")) }
            for (index, token) in sessions.enumerated() {
                let reply = try await api.send(.post, "/auth/refresh", json: ["refresh_token": token])
                #expect(reply.status == .ok, "session \(index + 1) behind the same address: \(reply.text)")
                sessions[index] = reply.string("refresh_token") ?? token
            }

            var token = sessions[0]
            for rotation in 2...5 {
                let reply = try await api.send(.post, "/auth/refresh", json: ["refresh_token": token], ip: Self.otherIP())
                #expect(reply.status == .ok, "refresh \(rotation) of one family: \(reply.text)")
                token = try #require(reply.string("refresh_token"))
            }
            let sixth = try await api.send(.post, "/auth/refresh", json: ["refresh_token": token], ip: Self.otherIP())
            #expect(sixth.status == .tooManyRequests, "a sixth refresh of one family, from any address: \(sixth.text)")
            #expect(sixth.headers[.retryAfter].flatMap(Int.init) != nil)
        }
    }
}
