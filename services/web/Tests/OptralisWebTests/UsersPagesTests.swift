import Foundation
import OptralisTestSupport
import Testing

@Suite("Users page")
struct UsersPagesTests {
    @Test func an_admin_invites_a_user_who_logs_in_with_the_password_shown_once_and_the_last_admin_rules_are_said() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            let admin = try await web.seedUser(client: client)
            let observer = try await web.seedUser(client: client, role: "observer")
            let admins = WebHarness.Browser(), observers = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: admins).location == "/")
            #expect(try await web.logIn(observer, as: observers).location == "/")

            let blank = try await web.get("/users/new", as: admins)
            let token = try #require(blank.field("_csrf"))
            #expect(
                blank.text.contains("<option value=\"observer\" selected>Observer</option><option value=\"admin\" >Administrator</option>"),
                "\(blank.text.prefix(3000))")
            // A refused invitation: the api's reason beside its field, what was typed kept.
            let refused = try await web.post(
                "/users", form: ["_csrf": token, "email": "not-an-address", "first_name": "Grace", "role": "observer", "language": "en"], as: admins)
            #expect(
                refused.status == .badRequest && refused.text.contains("id=\"email-error\"") && refused.text.contains("value=\"Grace\""),
                "\(refused.text.prefix(2500))")
            let taken = try await web.post("/users", form: ["_csrf": token, "email": observer, "role": "observer", "language": "en"], as: admins)
            #expect(
                taken.text.contains("<p class=\"field-error\" id=\"email-error\">a user with this address already exists</p>"), "\(taken.text.prefix(2500))")

            // The invitation: the password is in the answer to the post, once.
            let email = "grace-\(UUID().uuidString.prefix(6).lowercased())@acme.test"
            let invited = try await web.post(
                "/users",
                form: [
                    "_csrf": token, "email": email, "first_name": "Grace", "last_name": "Hopper", "role": "admin", "language": "fr",
                ], as: admins)
            #expect(invited.status == .ok && invited.headers[.cacheControl] == "no-store")
            let password = String(try #require(invited.text.firstMatch(of: /id="temporary-password">([^<]+)</)?.1))
            #expect(invited.text.contains("Temporary password for <strong>\(email)</strong>"))
            #expect(!(try await web.get("/users", as: admins).text.contains(password)), "shown once")
            let grace = WebHarness.Browser()
            let first = try await web.logIn(email, password: password, as: grace)
            #expect(first.location != nil && first.location != "/login", "the temporary password logs in: \(first.location ?? "")")

            let listed = try await web.get("/users", as: admins)
            #expect(listed.text.contains("Grace Hopper") && listed.text.contains("must change their password"))
            let graceID = String(
                try #require(
                    listed.text.firstMatch(
                        of: try Regex(
                            "action=\"/users/([0-9a-f-]{36})/reset-password\"[^<]*<input[^>]*><input type=\"hidden\" name=\"email\" value=\"\(email)\"")
                    ).map { $0.output[1].substring ?? "" }))

            // Role change and a new temporary password.
            #expect(try await web.post("/users/\(graceID)/role", form: ["_csrf": token, "role": "observer"], as: admins).location == "/users?done=1")
            #expect(try await web.get("/users", as: admins).text.contains("Make admin"))
            let reset = try await web.post("/users/\(graceID)/reset-password", form: ["_csrf": token, "email": email], as: admins)
            let second = String(try #require(reset.text.firstMatch(of: /id="temporary-password">([^<]+)</)?.1))
            #expect(second != password)

            // The last admin: demoting them is refused with the rule said plainly. The admin has no
            // buttons on their own row; a forged post is refused by the api.
            let adminID = try await web.database.withClient { db in
                try await db.query("SELECT id FROM users WHERE email = \(admin)", logger: testLogger).decode(UUID.self).reduce(into: [UUID]()) {
                    $0.append($1)
                }[0]
            }
            let own = try await web.post("/users/\(adminID.uuidString.lowercased())/role", form: ["_csrf": token, "role": "observer"], as: admins)
            #expect(own.location == "/users?failed=CANNOT_CHANGE_OWN_ROLE" || own.location == "/users?failed=LAST_ADMIN", "\(own.location ?? "")")
            #expect(try await web.get(own.location ?? "/", as: admins).text.contains("administrator"))
            #expect(!(try await web.get("/users", as: admins).text.contains("action=\"/users/\(adminID.uuidString.lowercased())/role\"")))
            admins.set("optralis_lang", "fr")
            #expect(try await web.get("/users?failed=LAST_ADMIN", as: admins).text.contains("Le dernier administrateur"))
            admins.set("optralis_lang", "en")

            // The observer reads, with no form.
            let read = try await web.get("/users", as: observers)
            #expect(read.text.contains("Grace Hopper") && !read.text.contains("data-admin-action") && !read.text.contains("href=\"/users/new\""))
            let forged = try await web.post("/users/\(graceID)/delete", form: ["_csrf": try #require(read.field("_csrf"))], as: observers)
            #expect(forged.location == "/users?failed=FORBIDDEN")

            #expect(try await web.get("/users/\(graceID)/delete?name=\(email)", as: admins).text.contains("Delete the user \(email)?"))
            #expect(try await web.post("/users/\(graceID)/delete", form: ["_csrf": token], as: admins).location == "/users?done=deleted")
            #expect(!(try await web.get("/users", as: admins).text.contains("Grace Hopper")))
        }
    }
}
