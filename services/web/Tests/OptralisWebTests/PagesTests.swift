import Foundation
import HTTPTypes
import OptralisTestSupport
import Testing

@testable import OptralisWeb

@Suite("Dashboard pages against the real api")
struct PagesTests {
    @Test func the_status_page_is_public_and_every_page_has_a_strict_policy() async throws {
        try await WebHarness.run { web in
            let status = try await web.get("/status")
            #expect(status.status == .ok, "\(status.text)")
            #expect(status.text.contains("API") && status.text.contains("class=\"bars\""), "\(status.text.prefix(600))")
            #expect(status.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(status.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(!status.text.contains("http://") && !status.text.contains("https://"), "no external resource")

            let english = try await web.get("/status?lang=en")
            #expect(english.text.contains("Service status") && english.cookieValue("optralis_lang") == "en")
            #expect(!english.text.contains("External monitors"), "no UPTIMEROBOT_API_KEY: no section")

            // The stylesheet and script are served under digest names, cached a year.
            let css = try #require(status.text.firstMatch(of: /href="(\/assets\/app-[0-9a-f]{8}\.css)"/)?.1)
            let asset = try await web.get(String(css))
            #expect(asset.status == .ok && asset.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(try await web.get("/assets/app-00000000.css").status == .notFound)
        }
    }

    @Test func a_logged_out_browser_is_sent_to_the_login_page() async throws {
        try await WebHarness.run { web in
            let home = try await web.get("/"), machines = try await web.get("/machines")
            #expect(home.location == "/login")
            #expect(machines.location == "/login?next=/machines")
            let forged = WebHarness.Browser()
            forged.set("optralis_session", String(repeating: "x", count: 43))
            let forgedPage = try await web.get("/machines", as: forged)
            #expect(forgedPage.location == "/login?next=/machines", "an unknown session is no session")
        }
    }

    @Test func logging_in_through_the_form_opens_the_overview_and_the_machine_list() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            let email = try await web.seedUser(client: client)
            try await web.sql("INSERT INTO machines (client_id, hostname, os, last_seen, agent_version) VALUES (\(client), 'web-01', 'linux', now(), '1.4.0')")
            try await web.sql("INSERT INTO machines (client_id, hostname, os, last_seen) VALUES (\(client), 'db-02', 'linux', now() - interval '2 hours')")
            let browser = WebHarness.Browser()

            let form = try await web.get("/login", as: browser)
            #expect(form.text.contains("name=\"email\"") && form.text.contains("name=\"password\"") && form.text.contains("type=\"submit\""))
            let forged = try await web.post("/login", form: ["_csrf": "forged", "email": email, "password": WebHarness.password], as: browser)
            #expect(forged.status == .forbidden, "a post without the form's token is refused")
            let wrong = try await web.logIn(email, password: "Not-The-Password-1", as: browser)
            #expect(wrong.status == .unauthorized && wrong.text.contains("role=\"alert\""), "\(wrong.text.prefix(400))")

            let login = try await web.logIn(email, as: browser)
            #expect(login.status == .seeOther && login.location == "/", "\(login.status) \(login.text.prefix(300))")
            let cookie = try #require(login.cookie("optralis_session"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "\(cookie)")
            #expect(!cookie.contains("eyJ"), "the api's tokens never reach the browser")

            let overview = try await web.get("/", as: browser)
            #expect(overview.status == .ok, "\(overview.text.prefix(500))")
            #expect(overview.text.contains("Overview") && overview.text.contains(">2<"), "the user's language and the machine count: \(overview.text)")
            #expect(overview.text.contains("db-02"), "the offline machine needs attention")

            let list = try await web.get("/machines?search=web", as: browser)
            #expect(list.text.contains("web-01") && !list.text.contains("db-02"), "the api's search")
            let id = try #require(list.text.firstMatch(of: /href="\/machines\/([0-9a-f-]{36})"/)?.1)

            // The machine page: its header and charts, with a gap where samples are missing.
            try await web.sql(
                """
                INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent, bytes_recv, latency_ms)
                SELECT \(UUID(uuidString: String(id))!), t, 20 + extract(minute FROM t)::int % 7, 55, 250000, 12
                FROM generate_series(now() - interval '6 hours', now(), interval '5 minutes') t
                WHERE t < now() - interval '4 hours' OR t > now() - interval '2 hours'
                """)
            let machine = try await web.get("/machines/\(id)", as: browser)
            #expect(machine.status == .ok, "\(machine.text.prefix(400))")
            #expect(machine.text.contains("<h1>web-01") && machine.text.contains("1.4.0"), "the header")
            let cpuChart = try #require(machine.text.firstMatch(of: /<figcaption>CPU<\/figcaption>(<svg.*?<\/svg>)/)?.1)
            #expect(cpuChart.matches(of: /<polyline/).count == 2, "one line each side of the two missing hours: \(cpuChart.prefix(300))")
            #expect(cpuChart.contains("<title>") && cpuChart.contains(" %"), "hover values with their unit")
            #expect(machine.text.contains("No data over this range"), "no temperature sample: said, not drawn")
            let inbound = try #require(machine.text.firstMatch(of: /<figcaption>Network in<\/figcaption>(<svg.*?<\/svg>)/)?.1)
            #expect(inbound.contains("250 kB/s"), "bytes per second shown in kB/s: \(inbound.prefix(300))")
            let week = try await web.get("/machines/\(id)?range=7d", as: browser)
            #expect(week.status == .ok && week.text.contains("aria-current=\"true\">7d"))
            #expect(try await web.get("/machines/\(UUID())", as: browser).status == .notFound, "another client's or no machine")
            let rows = try await web.get("/machines/rows?status=offline", as: browser)
            #expect(rows.status == .ok && rows.text.contains("db-02") && !rows.text.contains("<html"), "a fragment: \(rows.text.prefix(300))")

            let logout = try await web.post("/logout", form: ["_csrf": try #require(overview.field("_csrf"))], as: browser)
            #expect(logout.location == "/login")
            #expect(try await web.get("/", as: browser).location == "/login", "the session is gone")
        }
    }

    @Test func a_super_admin_sees_the_platform_totals_and_no_client_page() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            try await web.sql(
                "INSERT INTO machines (client_id, hostname, last_seen, agent_version) VALUES (\(client), 'a-01', now(), '1.5.0'), (\(client), 'a-02', NULL, '1.5.0')"
            )
            let root = try await web.seedUser(client: nil, role: "super_admin")
            let browser = WebHarness.Browser()
            #expect(try await web.logIn(root, as: browser).location == "/")
            #expect(try await web.get("/", as: browser).location == "/admin", "the platform's overview is the admin panel's")
            let page = try await web.get("/admin", as: browser)
            #expect(page.status == .ok && page.text.contains("<h1>Platform</h1>"), "\(page.text.prefix(400))")
            #expect(page.text.contains(">1.5.0</td><td class=\"num\">2<"), "agent versions across clients")
            #expect(!page.text.contains("href=\"/machines\""), "no client page in the navigation")
            let observer = WebHarness.Browser()
            #expect(try await web.logIn(try await web.seedUser(client: client, role: "observer"), as: observer).location == "/")
            #expect(try await web.get("/", as: observer).text.contains("href=\"/machines\""))
        }
    }

    @Test func an_expired_access_token_is_refreshed_and_a_refused_refresh_ends_the_session() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            let email = try await web.seedUser(client: client)
            let browser = WebHarness.Browser()
            #expect(try await web.logIn(email, as: browser).location == "/")
            // Every token of the user stops being accepted (as a password change elsewhere does):
            // the refresh is refused too, and the page asks to log in again.
            try await web.sql(
                "UPDATE refresh_tokens SET is_revoked = true, revoked_at = now(), revoked_reason = 'logout' WHERE user_id = (SELECT id FROM users WHERE email = \(email))"
            )
            try await web.sql("UPDATE users SET tokens_valid_after = now() + interval '1 second' WHERE email = \(email)")
            let page = try await web.get("/machines", as: browser)
            #expect(page.location == "/login?expired=1", "\(page.status) \(page.text.prefix(300))")
            #expect(try await web.get("/", as: browser).location == "/login")
        }
    }
}
