import Foundation
import HTTPTypes
@testable import OptralisAPI
import OptralisTestSupport
import Testing

@Suite("Login, MFA, refresh rotation and logout")
struct AuthFlowTests {
    @Test func wrong_password_and_unknown_email_get_the_same_401() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let user = try await api.seedUser(client: client, role: "admin")
            let wrong = try await api.send(.post, "/auth/login", json: ["email": user.email, "password": "Wrong-Password-1!"])
            let unknown = try await api.send(.post, "/auth/login", json: ["email": "nobody@example.com", "password": "Wrong-Password-1!"])
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.text == unknown.text, "no user enumeration through the body")
            #expect(wrong.code == "INVALID_CREDENTIALS")
            let missing = try await api.send(.post, "/auth/login", json: ["email": user.email])
            #expect(missing.status == .badRequest)
        }
    }

    @Test func login_sets_the_three_cookies_with_the_spec_attributes() async throws {
        try await APIHarness.run { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "observer")
            let reply = try await api.send(.post, "/auth/login", json: ["email": user.email.uppercased(), "password": APIHarness.password])
            #expect(reply.status == .ok, "email matching ignores case")
            #expect(reply.json["expires_in"] as? Int == 900)
            let returned = try #require(reply.json["user"] as? [String: Any])
            #expect(returned["email"] as? String == user.email)
            #expect(returned["role"] as? String == "observer")
            let access = try #require(reply.cookie("optralis_access"))
            #expect(access.contains("HttpOnly") && access.contains("SameSite=Strict") && access.contains("Path=/") && access.contains("Max-Age=900"))
            #expect(!access.contains("Secure"), "Secure only in production")
            let refresh = try #require(reply.cookie("optralis_refresh"))
            #expect(refresh.contains("Path=/api/auth") && refresh.contains("HttpOnly"))
            let csrf = try #require(reply.cookie("optralis_csrf"))
            #expect(!csrf.contains("HttpOnly"), "the page must read the CSRF cookie")
            #expect(reply.cookieValue("optralis_access") == reply.string("access_token"))
        }
    }

    /// A user with MFA on, enabled with the previous step's code so that the current one is still
    /// unused for a login; `AUTH_RATE_LIMIT` raised for the logins a test makes.
    static func userWithMFA(_ api: APIHarness) async throws -> (email: String, totp: TOTP, backupCodes: [String]) {
        let user = try await api.seedUser(client: try await api.seedClient(), role: "admin")
        let tokens = try await api.login(user.email)
        let setup = try await api.send(.post, "/api/users/mfa/setup", token: tokens.access)
        let secret = try #require(setup.string("secret"), "\(setup.text)")
        let totp = TOTP(secret: try #require(Base32.decode(secret)))
        let backupCodes = try #require(setup.json["backup_codes"] as? [String])
        let enabled = try await api.send(.post, "/api/users/mfa/verify", token: tokens.access, json: ["code": totp.code(at: Date().addingTimeInterval(-30))])
        try #require(enabled.status == .ok, "\(enabled.text)")
        return (user.email, totp, backupCodes)
    }

    /// Password, then `code` on the MFA session it opened: the tokens, or nil when refused.
    static func mfaLogin(_ api: APIHarness, _ email: String, code: String) async throws -> (access: String, refresh: String)? {
        let first = try await api.send(.post, "/auth/login", json: ["email": email, "password": APIHarness.password])
        let session = try #require(first.string("mfa_session_id"), "\(first.text)")
        let verified = try await api.send(.post, "/auth/mfa/verify", json: ["mfa_session_id": session, "code": code])
        guard verified.status == .ok, let access = verified.string("access_token"), let refresh = verified.string("refresh_token") else { return nil }
        return (access, refresh)
    }

    @Test func enabling_mfa_takes_a_valid_code_and_gives_ten_backup_codes() async throws {
        try await APIHarness.run { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "admin")
            let tokens = try await api.login(user.email)
            let setup = try await api.send(.post, "/api/users/mfa/setup", token: tokens.access)
            #expect(setup.status == .ok, "\(setup.text)")
            let secret = try #require(setup.string("secret"))
            #expect(setup.string("qr_code_url")?.hasPrefix("otpauth://totp/Optralis:\(user.email)?secret=\(secret)") == true)
            let backupCodes = try #require(setup.json["backup_codes"] as? [String])
            #expect(backupCodes.count == 10 && backupCodes.allSatisfy { $0.count == 8 })
            let totp = TOTP(secret: try #require(Base32.decode(secret)))
            #expect(try await api.send(.post, "/api/users/mfa/verify", token: tokens.access, json: ["code": "000000"]).code == "INVALID_MFA_CODE")
            #expect(try await api.send(.post, "/api/users/mfa/verify", token: tokens.access, json: ["code": totp.code(at: Date())]).status == .ok)
            let status = try await api.send(.get, "/api/users/mfa/status", token: tokens.access)
            #expect(status.json["enabled"] as? Bool == true)
            #expect(status.json["backup_codes_left"] as? Int == 10)
            #expect(try await api.send(.post, "/api/users/mfa/setup", token: tokens.access).code == "MFA_ALREADY_ENABLED")
        }
    }

    @Test func with_mfa_a_password_only_opens_a_single_use_mfa_session() async throws {
        try await APIHarness.run(environment: ["AUTH_RATE_LIMIT": "100"]) { api in
            let (email, totp, _) = try await Self.userWithMFA(api)
            let first = try await api.send(.post, "/auth/login", json: ["email": email, "password": APIHarness.password])
            #expect(first.json["mfa_required"] as? Bool == true)
            #expect(first.string("access_token") == nil)
            let session = try #require(first.string("mfa_session_id"))
            #expect(try await api.send(.post, "/auth/mfa/verify", json: ["mfa_session_id": session, "code": "123456"]).status == .unauthorized)
            let verified = try await api.send(.post, "/auth/mfa/verify", json: ["mfa_session_id": session, "code": totp.code(at: Date())])
            #expect(verified.status == .ok, "\(verified.text)")
            #expect(verified.string("access_token") != nil)
            #expect(
                try await api.send(.post, "/auth/mfa/verify", json: ["mfa_session_id": session, "code": totp.code(at: Date())]).status == .unauthorized,
                "an MFA session is single use")
        }
    }

    @Test func a_backup_code_works_once() async throws {
        try await APIHarness.run(environment: ["AUTH_RATE_LIMIT": "100"]) { api in
            let (email, _, backupCodes) = try await Self.userWithMFA(api)
            #expect(try await Self.mfaLogin(api, email, code: backupCodes[0]) != nil)
            #expect(try await Self.mfaLogin(api, email, code: backupCodes[0]) == nil)
            #expect(try await Self.mfaLogin(api, email, code: backupCodes[1]) != nil, "the others still work")
        }
    }

    @Test func refresh_rotates_and_a_reused_token_revokes_the_whole_family() async throws {
        try await APIHarness.run { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "admin")
            let tokens = try await api.login(user.email)
            let rotated = try await api.send(.post, "/auth/refresh", json: ["refresh_token": tokens.refresh])
            #expect(rotated.status == .ok)
            let next = try #require(rotated.string("refresh_token"))
            #expect(next != tokens.refresh)
            let stolen = try await api.send(.post, "/auth/refresh", json: ["refresh_token": tokens.refresh])
            #expect(stolen.status == .unauthorized)
            #expect(stolen.code == "TOKEN_REUSE_DETECTED")
            #expect(
                try await api.send(.post, "/auth/refresh", json: ["refresh_token": next]).status == .unauthorized,
                "the victim's newest token died with the family")
        }
    }

    @Test func logout_revokes_the_access_token() async throws {
        try await APIHarness.run { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "admin")
            let access = try await api.login(user.email).access
            #expect(try await api.send(.get, "/api/me", token: access).status == .ok)
            #expect(try await api.send(.post, "/auth/logout", token: access).status == .ok)
            let refused = try await api.send(.get, "/api/me", token: access)
            #expect(refused.status == .unauthorized)
            #expect(refused.code == "TOKEN_REVOKED")
        }
    }

    @Test func disabling_mfa_takes_the_password_and_a_code() async throws {
        try await APIHarness.run(environment: ["AUTH_RATE_LIMIT": "100"]) { api in
            let (email, totp, backupCodes) = try await Self.userWithMFA(api)
            let tokens = try await Self.mfaLogin(api, email, code: totp.code(at: Date()))
            let token = try #require(tokens).access
            // A wrong password does not use the backup code up.
            #expect(
                try await api.send(.delete, "/api/users/mfa/disable", token: token, json: ["password": "Wrong-Password-1!", "code": backupCodes[1]]).code
                    == "INVALID_PASSWORD")
            #expect(
                try await api.send(.delete, "/api/users/mfa/disable", token: token, json: ["password": APIHarness.password, "code": backupCodes[1]]).status
                    == .ok)
            #expect(try await api.send(.post, "/auth/login", json: ["email": email, "password": APIHarness.password]).string("access_token") != nil)
        }
    }

    @Test func refresh_and_logout_work_from_the_cookies_under_api_auth() async throws {
        try await APIHarness.run { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "admin")
            let login = try await api.send(.post, "/auth/login", json: ["email": user.email, "password": APIHarness.password])
            let cookies = "optralis_refresh=\(login.cookieValue("optralis_refresh")!)"
            let refreshed = try await api.send(.post, "/api/auth/refresh", headers: [.cookie: cookies])
            #expect(refreshed.status == .ok, "\(refreshed.text)")
            #expect(refreshed.cookieValue("optralis_refresh") != login.cookieValue("optralis_refresh"))
            let out = try await api.send(.post, "/api/auth/logout", headers: [.cookie: "optralis_refresh=\(refreshed.cookieValue("optralis_refresh")!)"])
            #expect(out.status == .ok)
            #expect(out.cookie("optralis_access")?.contains("Max-Age=0") == true, "logout clears the cookies")
            #expect(
                try await api.send(.post, "/api/auth/refresh", headers: [.cookie: "optralis_refresh=\(refreshed.cookieValue("optralis_refresh")!)"]).status
                    == .unauthorized)
        }
    }

    @Test func csrf_is_required_with_cookies_and_not_with_bearer() async throws {
        try await APIHarness.run { api in
            let user = try await api.seedUser(client: try await api.seedClient(), role: "admin")
            let login = try await api.send(.post, "/auth/login", json: ["email": user.email, "password": APIHarness.password])
            let access = login.cookieValue("optralis_access")!, csrf = login.cookieValue("optralis_csrf")!
            let cookies = "optralis_access=\(access); optralis_csrf=\(csrf)"
            let body: [String: Any] = ["email": "new-\(UUID().uuidString.prefix(6))@example.com", "role": "observer"]

            #expect(try await api.send(.get, "/api/me", headers: [.cookie: cookies]).status == .ok, "reads need no CSRF token")
            let missing = try await api.send(.post, "/api/users", json: body, headers: [.cookie: cookies])
            #expect(missing.status == .forbidden)
            #expect(missing.code == "CSRF_INVALID")
            // Another first character: a token that happened to start with "x" once made the "wrong" one right.
            let wrong = try await api.send(
                .post, "/api/users", json: body,
                headers: [.cookie: cookies, HTTPField.Name("X-CSRF-Token")!: (csrf.hasPrefix("x") ? "y" : "x") + csrf.dropFirst()])
            #expect(wrong.code == "CSRF_INVALID")
            let right = try await api.send(.post, "/api/users", json: body, headers: [.cookie: cookies, HTTPField.Name("X-CSRF-Token")!: csrf])
            #expect(right.status == .created, "\(right.text)")
            let bearer = try await api.send(
                .post, "/api/users", token: login.string("access_token"), json: ["email": "b-\(UUID().uuidString.prefix(6))@example.com", "role": "observer"])
            #expect(bearer.status == .created, "Bearer requests need no CSRF token")
        }
    }

    @Test func auth_routes_allow_5_attempts_per_window_then_429_and_recover() async throws {
        // Bodies the handler refuses at once (a weak password: no bcrypt, no database), so the
        // window's timing is the limiter's alone. Login has limits of its own (LoginRateLimitTests).
        try await APIHarness.run(environment: ["AUTH_RATE_LIMIT_WINDOW_SECONDS": "3"]) { api in
            let weak: [String: Any] = ["token": "x", "new_password": "weak"]
            for attempt in 1...5 {
                let reply = try await api.send(.post, "/auth/reset-password", json: weak)
                #expect(reply.status == .badRequest, "attempt \(attempt) reaches the handler")
            }
            let sixth = try await api.send(.post, "/auth/reset-password", json: weak)
            #expect(sixth.status == .tooManyRequests)
            #expect(sixth.code == "RATE_LIMITED")
            let retryAfter = try #require(sixth.headers[.retryAfter].flatMap(Int.init))
            #expect((1...3).contains(retryAfter))
            let otherIP = try await api.send(.post, "/auth/reset-password", json: weak, ip: "192.0.2.\(Int.random(in: 1...254))")
            #expect(otherIP.status == .badRequest, "the limit is per IP")
            #expect(try await api.send(.post, "/auth/request-password-reset", json: ["email": "nope"]).status == .badRequest, "and per route")
            try await Task.sleep(for: .seconds(retryAfter) + .milliseconds(600))
            let recovered = try await api.send(.post, "/auth/reset-password", json: weak)
            #expect(recovered.status == .badRequest, "a new window lets requests through again")
        }
    }
}
