import Foundation
import OptralisCore
@testable import OptralisAPI
import OptralisTestSupport
import Testing

@Suite("Sessions and MFA: one-time codes, MFA removal, password changes end sessions, reset timing")
struct SessionSecurityTests {
    /// The spec's limits are not what these tests are about.
    static let unlimited = ["AUTH_RATE_LIMIT": "100"]

    @Test func a_totp_code_is_accepted_once_across_enabling_login_and_disabling() async throws {
        try await APIHarness.run(environment: Self.unlimited) { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "admin")
            let setupToken = try await api.login(user.email).access
            let setup = try await api.send(.post, "/api/users/mfa/setup", token: setupToken)
            let totp = TOTP(secret: try #require(setup.string("secret").flatMap(Base32.decode)))
            let backupCodes = try #require(setup.json["backup_codes"] as? [String])
            let enabling = totp.code(at: Date())
            #expect(try await api.send(.post, "/api/users/mfa/verify", token: setupToken, json: ["code": enabling]).status == .ok)

            let replayOfEnable = try await api.loginWithMFA(user.email, code: enabling)
            #expect(replayOfEnable.status == .unauthorized, "the code that enabled MFA cannot log in: \(replayOfEnable.text)")
            #expect(replayOfEnable.code == "INVALID_MFA")

            let next = totp.code(at: Date().addingTimeInterval(30))
            let login = try await api.loginWithMFA(user.email, code: next)
            #expect(login.status == .ok, "\(login.text)")
            let token = try #require(login.string("access_token"))
            let replayOfLogin = try await api.loginWithMFA(user.email, code: next)
            #expect(replayOfLogin.status == .unauthorized, "a login code works once: \(replayOfLogin.text)")

            let replayOnDisable = try await api.send(.delete, "/api/users/mfa/disable", token: token, json: ["password": APIHarness.password, "code": next])
            #expect(replayOnDisable.status == .unauthorized, "\(replayOnDisable.text)")
            #expect(replayOnDisable.code == "INVALID_MFA_CODE")
            #expect(try await api.send(.get, "/api/users/mfa/status", token: token).json["enabled"] as? Bool == true)
            let disabled = try await api.send(.delete, "/api/users/mfa/disable", token: token, json: ["password": APIHarness.password, "code": backupCodes[0]])
            #expect(disabled.status == .ok, "a backup code disables MFA: \(disabled.text)")
        }
    }

    @Test func an_older_step_is_refused_once_a_newer_one_was_used() async throws {
        try await APIHarness.run(environment: Self.unlimited) { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "observer")
            let (totp, _) = try await api.enableMFA(user.id)
            let now = Date()
            #expect(try await api.loginWithMFA(user.email, code: totp.code(at: now.addingTimeInterval(30))).status == .ok)
            let older = try await api.loginWithMFA(user.email, code: totp.code(at: now))
            #expect(older.status == .unauthorized, "a code of an earlier step than the last used one: \(older.text)")
        }
    }

    @Test func disabling_mfa_needs_the_password_and_a_current_code() async throws {
        try await APIHarness.run(environment: Self.unlimited) { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "admin")
            let (totp, _) = try await api.enableMFA(user.id)
            let login = try await api.loginWithMFA(user.email, code: totp.code(at: Date()))
            let token = try #require(login.string("access_token"), "\(login.text)")

            let noCode = try await api.send(.delete, "/api/users/mfa/disable", token: token, json: ["password": APIHarness.password])
            #expect(noCode.status == .badRequest, "\(noCode.text)")
            #expect(noCode.code == "MFA_CODE_REQUIRED")
            let wrongCode = try await api.send(
                .delete, "/api/users/mfa/disable", token: token, json: ["password": APIHarness.password, "code": totp.wrongCode()])
            #expect(wrongCode.status == .unauthorized)
            #expect(wrongCode.code == "INVALID_MFA_CODE")
            let wrongPassword = try await api.send(
                .delete, "/api/users/mfa/disable", token: token, json: ["password": "Wrong-Password-1!", "code": totp.code(at: Date().addingTimeInterval(30))])
            #expect(wrongPassword.code == "INVALID_PASSWORD")
            #expect(try await api.send(.get, "/api/users/mfa/status", token: token).json["enabled"] as? Bool == true)

            let disabled = try await api.send(
                .delete, "/api/users/mfa/disable", token: token, json: ["password": APIHarness.password, "code": totp.code(at: Date().addingTimeInterval(30))])
            #expect(disabled.status == .ok, "the password and a current code: \(disabled.text)")
            #expect(try await api.send(.get, "/api/users/mfa/status", token: token).json["enabled"] as? Bool == false)
        }
    }

    @Test func a_password_reset_ends_every_access_token_session_and_other_reset_link() async throws {
        try await APIHarness.run(environment: Self.unlimited) { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "admin")
            let laptop = try await api.login(user.email)
            let phone = try await api.login(user.email)
            let (used, other) = (SecureToken.random(), SecureToken.random())
            for token in [used, other] {
                try await api.sql("INSERT INTO password_reset_tokens (user_id, token_hash) VALUES (\(user.id), \(SecureToken.sha256Hex(token)))")
            }
            #expect(try await api.send(.get, "/api/me", token: laptop.access).status == .ok)

            let reset = try await api.send(.post, "/auth/reset-password", json: ["token": used, "new_password": "Reset-Password-2!"])
            #expect(reset.status == .ok, "\(reset.text)")
            for session in [laptop, phone] {
                let me = try await api.send(.get, "/api/me", token: session.access)
                #expect(me.status == .unauthorized, "an access token issued before the reset: \(me.text)")
                #expect(me.code == "TOKEN_REVOKED")
                #expect(try await api.send(.post, "/auth/refresh", json: ["refresh_token": session.refresh]).status == .unauthorized)
            }
            #expect(try await api.send(.get, "/auth/validate-reset-token?token=\(other)").code == "INVALID_RESET_TOKEN", "the other link died too")
            #expect(
                try await api.send(.post, "/auth/reset-password", json: ["token": other, "new_password": "Reset-Password-3!"]).code == "INVALID_RESET_TOKEN")

            let fresh = try await api.login(user.email, password: "Reset-Password-2!")
            #expect(try await api.send(.get, "/api/me", token: fresh.access).status == .ok, "a login after the reset works")
            #expect(try await api.send(.post, "/auth/refresh", json: ["refresh_token": fresh.refresh]).status == .ok)
        }
    }

    @Test func a_password_change_ends_the_access_tokens_of_the_other_sessions() async throws {
        try await APIHarness.run(environment: Self.unlimited) { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "observer")
            let here = try await api.login(user.email)
            let elsewhere = try await api.login(user.email)
            let changed = try await api.send(
                .post, "/api/change-password", token: here.access, json: ["current_password": APIHarness.password, "new_password": "Changed-Password-2!"])
            #expect(changed.status == .ok, "\(changed.text)")
            let stale = try await api.send(.get, "/api/me", token: elsewhere.access)
            #expect(stale.status == .unauthorized, "the other session's access token: \(stale.text)")
            #expect(stale.code == "TOKEN_REVOKED")
            #expect(
                try await api.send(.get, "/api/me", token: try #require(changed.string("access_token"))).status == .ok,
                "the session the change started keeps working")
        }
    }

    /// An existing account queues an email and stores a token; an unknown one did nothing, so
    /// the answer's delay said which emails have accounts. Medians of alternated requests, so
    /// one slow request on a loaded machine does not decide.
    @Test func a_reset_request_takes_as_long_for_an_unknown_email_as_for_an_account() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        defer { Task { await redis.stop() } }
        try await APIHarness.run(redisURL: redis.url, environment: Self.unlimited) { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "observer")
            var known: [Duration] = [], unknown: [Duration] = []
            let clock = ContinuousClock()
            for round in 0..<12 {
                let email = round.isMultiple(of: 2) ? user.email : "ghost-\(UUID().uuidString.prefix(8))@example.com"
                var reply: APIHarness.Reply?
                let elapsed = try await clock.measure { reply = try await api.send(.post, "/auth/request-password-reset", json: ["email": email]) }
                #expect(reply?.status == .ok, "\(reply?.text ?? "")")
                if round.isMultiple(of: 2) { known.append(elapsed) } else { unknown.append(elapsed) }
            }
            func median(_ values: [Duration]) -> Double { values.map(\.fractionalMilliseconds).sorted()[values.count / 2] }
            let (account, nobody) = (median(known), median(unknown))
            // 15% of the slower median: a real bcrypt-free path differs by far more than that.
            #expect(
                abs(account - nobody) <= 0.15 * max(account, nobody),
                "median with an account \(account) ms, without \(nobody) ms")
        }
    }
}
