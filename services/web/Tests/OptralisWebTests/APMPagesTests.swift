import Foundation
import OptralisTestSupport
import Testing

@Suite("APM pages: the application list, the form and its key shown once, the detail, a trace's waterfall, the licence notices")
struct APMPagesTests {
    @Test func a_business_admin_adds_an_application_sees_its_key_once_and_reads_a_trace() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            try await web.sql("UPDATE clients SET license_type = 'business' WHERE id = \(client)")
            let admin = try await web.seedUser(client: client)
            let observer = try await web.seedUser(client: client, role: "observer")
            try await web.sql("INSERT INTO machines (client_id, hostname, last_seen) VALUES (\(client), 'web-01', now())")
            let machine = try #require(try await web.sqlString("SELECT id::text FROM machines WHERE client_id = \(client)"))
            let admins = WebHarness.Browser(), observers = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: admins).location == "/")
            #expect(try await web.logIn(observer, as: observers).location == "/")

            let empty = try await web.get("/apm", as: admins)
            #expect(empty.status == .ok && empty.text.contains("href=\"/apm/new\"") && empty.text.contains("No application yet."), "\(empty.text.prefix(3000))")
            #expect(empty.text.contains("<a href=\"/apm\" aria-current=\"page\">"), "the rail's entry is current")
            let form = try await web.get("/apm/new", as: admins)
            #expect(
                form.text.contains("<option value=\"\(machine)\" >web-01</option>") || form.text.contains("<option value=\"\(machine)\">web-01</option>"),
                "\(form.text.prefix(3000))")
            let token = try #require(form.field("_csrf"))
            let fields = [
                "_csrf": token, "name": "Shop", "machine_id": machine, "url": "https://shop.example.test/health", "interval_seconds": "60",
                "expected_status": "200", "timeout_seconds": "10", "journal_unit": "shop.service",
            ]
            // A refusal next to its field, the values kept.
            var bad = fields
            bad["interval_seconds"] = "5"
            let refused = try await web.post("/apm", form: bad, as: admins)
            #expect(
                refused.status == .badRequest && refused.text.contains("id=\"interval-error\"")
                    && refused.text.contains("value=\"https://shop.example.test/health\""),
                "\(refused.text.prefix(3000))")
            let created = try await web.post("/apm", form: fields, as: admins)
            let key = try #require(
                created.text.firstMatch(of: /value="(oapm_[A-Za-z0-9_-]{43})" readonly/).map { String($0.1) }, "\(created.text.prefix(3000))")
            #expect(created.status == .ok && created.text.contains("shown only this once"))
            let id = try #require(try await web.sqlString("SELECT id::text FROM apm_applications WHERE client_id = \(client)"))

            let list = try await web.get("/apm", as: observers)
            #expect(list.text.contains("<a href=\"/apm/\(id)\"><strong>Shop</strong></a>") && list.text.contains("Not probed yet"), "\(list.text.prefix(3000))")
            #expect(!list.text.contains("href=\"/apm/new\"") && !list.text.contains("/apm/\(id)/edit"), "observers do not write")
            let shownAgain = try await web.get("/apm/\(id)", as: admins)
            #expect(!list.text.contains(key) && !shownAgain.text.contains(key), "the key is never shown again")

            // A probe and a trace of three spans (root, child, grandchild with an error).
            try await web.sql(
                """
                INSERT INTO apm_probes (application_id, machine_id, recorded_at, up, status_code, response_time_ms, tls_days_left)
                VALUES (\(UUID(uuidString: id)!), \(UUID(uuidString: machine)!), now() - INTERVAL '1 minute', true, 200, 42.5, 9)
                """)
            let trace = "4bf92f3577b34da6a3ce929d0e0e4736"
            for (span, parent, name, offset, duration, status) in [
                ("00f067aa0ba902b7", nil as String?, "GET /cart", 0, 50_000_000, 0),
                ("00f067aa0ba902b8", "00f067aa0ba902b7", "load <cart>", 5_000_000, 30_000_000, 0),
                ("00f067aa0ba902b9", "00f067aa0ba902b8", "SELECT carts", 10_000_000, 20_000_000, 2),
            ] {
                try await web.sql(
                    """
                    INSERT INTO apm_spans (application_id, trace_id, span_id, parent_span_id, name, service_name, started_at, start_unix_nano, duration_ns, status_code)
                    VALUES (\(UUID(uuidString: id)!), \(trace), \(span), \(parent), \(name), 'cart', now() - INTERVAL '1 minute',
                            1765000000000000000 + \(offset), \(duration), \(status))
                    """)
            }
            let detail = try await web.get("/apm/\(id)", as: admins)
            let text = detail.text.replacingOccurrences(of: "\n", with: " ")
            #expect(detail.status == .ok && text.contains("42.5 ms") && text.contains("<dd>100 %</dd>") && text.contains("9 days"), "\(text.prefix(4000))")
            #expect(text.contains("<a href=\"/apm/\(id)/traces/\(trace)\"><strong>GET /cart</strong></a>") && text.contains("50 ms"), "\(text.prefix(4000))")
            #expect(text.contains("action=\"/apm/\(id)/rotate-key\""))

            let waterfall = try await web.get("/apm/\(id)/traces/\(trace)", as: observers)
            let page = waterfall.text
            #expect(waterfall.status == .ok && page.components(separatedBy: "<rect class=\"bar\"").count == 4, "\(page.prefix(4000))")
            #expect(page.contains("load &lt;cart&gt;") && !page.contains("load <cart>"), "span names are escaped")
            let order = ["GET /cart", "load &lt;cart&gt;", "SELECT carts"].map {
                page.range(of: "class=\"label\" x=\"\($0 == "GET /cart" ? "4.0" : $0 == "SELECT carts" ? "28.0" : "16.0")\" y=") != nil
            }
            #expect(order == [true, true, true], "indented by depth")
            #expect(page.contains("<g class=\"span error\">"), "the error span has its own class")
            // The root's bar spans the whole plot (590 wide), the grandchild starts a fifth of the way.
            #expect(page.contains("<rect class=\"bar\" x=\"300.0\" y=\"4.0\" width=\"590.0\""), "\(page.prefix(4000))")
            #expect(page.contains("<rect class=\"bar\" x=\"418.0\" y=\"48.0\" width=\"236.0\""), "\(page.prefix(4000))")

            // Rotating shows a new key; deleting asks first.
            let rotated = try await web.post("/apm/\(id)/rotate-key", form: ["_csrf": token], as: admins)
            #expect(rotated.status == .ok && rotated.text.contains("oapm_") && !rotated.text.contains(key))
            #expect(try await web.post("/apm/\(id)/delete", form: ["_csrf": token], as: admins).location == "/apm?done=deleted")
            #expect(try await web.sqlString("SELECT count(*)::text FROM apm_applications") == "0")
        }
    }

    @Test func below_pro_the_page_names_the_licence_and_pro_has_no_traces() async throws {
        try await WebHarness.run { web in
            let essentials = try await web.seedClient()
            try await web.sql("UPDATE clients SET license_type = 'essentials' WHERE id = \(essentials)")
            let browser = WebHarness.Browser()
            _ = try await web.logIn(try await web.seedUser(client: essentials), as: browser)
            let page = try await web.get("/apm", as: browser)
            #expect(page.status == .ok && page.text.contains("notice premium") && page.text.contains("Pro"), "\(page.text.prefix(3000))")

            let pro = try await web.seedClient()
            try await web.sql("UPDATE clients SET license_type = 'pro' WHERE id = \(pro)")
            try await web.sql("INSERT INTO machines (client_id, hostname) VALUES (\(pro), 'pro-01')")
            let proBrowser = WebHarness.Browser()
            _ = try await web.logIn(try await web.seedUser(client: pro), as: proBrowser)
            let token = try #require(try await web.get("/apm/new", as: proBrowser).field("_csrf"))
            let machine = try #require(try await web.sqlString("SELECT id::text FROM machines WHERE client_id = \(pro)"))
            _ = try await web.post("/apm", form: ["_csrf": token, "name": "One", "machine_id": machine, "url": "http://one.test/"], as: proBrowser)
            let id = try #require(try await web.sqlString("SELECT id::text FROM apm_applications WHERE client_id = \(pro)"))
            let detail = try await web.get("/apm/\(id)", as: proBrowser)
            #expect(detail.status == .ok && detail.text.contains("Business"), "traces need Business: \(detail.text.prefix(3000))")
            let list = try await web.get("/apm", as: proBrowser)
            #expect(!list.text.contains("href=\"/apm/new\""), "Pro's one application is taken")
            let second = try await web.post("/apm", form: ["_csrf": token, "name": "Two", "machine_id": machine, "url": "http://two.test/"], as: proBrowser)
            #expect(second.status == .badRequest && second.text.contains("Business monitors 20"), "\(second.text.prefix(3000))")
        }
    }
}
