import Crypto
import Foundation
import OptralisTestSupport
import Testing

@Suite("Dashboard password pages")
struct PasswordPagesTests {
    static let newPassword = "Brand-New-Secret-42"

    @Test func a_forced_change_comes_first_then_the_dashboard_opens() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            let email = try await web.seedUser(client: client)
            try await web.sql("UPDATE users SET must_change_password = true WHERE email = \(email)")
            let browser = WebHarness.Browser()
            let login = try await web.logIn(email, as: browser)
            #expect(login.location == "/settings/password", "\(login.status) \(login.text.prefix(200))")
            let home = try await web.get("/", as: browser)
            #expect(home.location == "/settings/password", "the api's PASSWORD_CHANGE_REQUIRED sends there too")

            let form = try await web.get("/settings/password", as: browser)
            let token = try #require(form.field("_csrf"))
            let differ = try await web.post(
                "/settings/password",
                form: ["_csrf": token, "current_password": WebHarness.password, "new_password": Self.newPassword, "confirm_password": "x"],
                as: browser)
            #expect(differ.status == .badRequest && differ.text.contains("role=\"alert\""))
            let weak = try await web.post(
                "/settings/password", form: ["_csrf": token, "current_password": WebHarness.password, "new_password": "short", "confirm_password": "short"],
                as: browser)
            #expect(weak.status == .badRequest && weak.text.contains("role=\"alert\""), "the api's policy refusal is shown: \(weak.text.prefix(300))")
            let changed = try await web.post(
                "/settings/password",
                form: ["_csrf": token, "current_password": WebHarness.password, "new_password": Self.newPassword, "confirm_password": Self.newPassword],
                as: browser)
            #expect(changed.location == "/?changed=1", "\(changed.status) \(changed.text.prefix(300))")
            let after = try await web.get("/", as: browser)
            #expect(after.status == .ok, "the session goes on with the new tokens: \(after.status) \(after.location ?? "")")
        }
    }

    @Test func the_reset_link_of_the_email_sets_a_new_password() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            let email = try await web.seedUser(client: client)
            let browser = WebHarness.Browser()

            // The request page says the same for an account and for no account.
            let ask = try await web.get("/forgot-password", as: browser)
            let askToken = try #require(ask.field("_csrf"))
            let known = try await web.post("/forgot-password", form: ["_csrf": askToken, "email": email], as: browser)
            let unknown = try await web.post("/forgot-password", form: ["_csrf": askToken, "email": "nobody-\(UUID())@example.com"], as: browser)
            #expect(known.status == .ok && unknown.status == .ok)
            #expect(known.text == unknown.text, "no account enumeration")

            // The link the email carries (its token, stored hashed).
            let secret = "reset-\(UUID().uuidString)"
            let hash = SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
            try await web.sql("INSERT INTO password_reset_tokens (user_id, token_hash) SELECT id, \(hash) FROM users WHERE email = \(email)")
            let page = try await web.get("/reset-password?token=\(secret)", as: browser)
            #expect(page.field("token") == secret)
            let token = try #require(page.field("_csrf"))
            let done = try await web.post(
                "/reset-password", form: ["_csrf": token, "token": secret, "new_password": Self.newPassword, "confirm_password": Self.newPassword], as: browser)
            #expect(done.location == "/login?reset=1", "\(done.status) \(done.text.prefix(300))")
            let again = try await web.post(
                "/reset-password", form: ["_csrf": token, "token": secret, "new_password": Self.newPassword, "confirm_password": Self.newPassword], as: browser)
            #expect(again.status == .badRequest, "a reset link works once")
            #expect(try await web.logIn(email, password: Self.newPassword, as: browser).location == "/")
        }
    }
}
