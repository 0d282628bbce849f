import Foundation
import OptralisTestSupport
import Testing

@Suite("Machine page: risk exceptions, certificate, a rule for the machine, as an admin")
struct MachineSecurityPagesTests {
    @Test func an_admin_adds_and_removes_a_risk_exception_renews_and_revokes_the_certificate_and_makes_a_rule_for_the_machine() async throws {
        try await WebHarness.run(withCA: true) { web in
            let client = try await web.seedClient()
            let admin = try await web.seedUser(client: client)
            let observer = try await web.seedUser(client: client, role: "observer")
            try await web.sql("INSERT INTO machines (client_id, hostname, last_seen, cert_serial) VALUES (\(client), 'rdp-01', now(), '0a1b2c')")
            let admins = WebHarness.Browser(), observers = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: admins).location == "/")
            #expect(try await web.logIn(observer, as: observers).location == "/")
            let list = try await web.get("/machines", as: admins)
            let id = String(try #require(list.text.firstMatch(of: /href="\/machines\/([0-9a-f-]{36})">rdp-01</)?.1))
            let token = try #require(list.field("_csrf"))

            // A risk exception: refused input beside its field (in French too), then accepted.
            let blank = try await web.get("/machines/\(id)/risk-overrides/new?risk_key=3389", as: admins)
            #expect(blank.text.contains("value=\"risky_port\"") && blank.text.contains("value=\"3389\""))
            let refused = try await web.post(
                "/machines/\(id)/risk-overrides", form: ["_csrf": token, "risk_type": "Bad Type", "risk_key": "3389", "status": "accepted"], as: admins)
            #expect(
                refused.status == .badRequest && refused.text.contains("id=\"type-error\"") && refused.text.contains("value=\"3389\""),
                "\(refused.text.prefix(2500))")
            admins.set("optralis_lang", "fr")
            let past = try await web.post(
                "/machines/\(id)/risk-overrides", form: ["_csrf": token, "risk_type": "risky_port", "status": "accepted", "expires_at": "2001-01-01"],
                as: admins)
            #expect(past.text.contains("<p class=\"field-error\" id=\"expires-error\">doit être dans le futur</p>"), "\(past.text.prefix(3000))")
            admins.set("optralis_lang", "en")
            let saved = try await web.post(
                "/machines/\(id)/risk-overrides",
                form: [
                    "_csrf": token, "risk_type": "risky_port", "risk_key": "3389", "status": "mitigated", "reason": "RDP behind the VPN only",
                    "expires_at": "2030-06-30",
                ], as: admins)
            #expect(saved.location == "/machines/\(id)?tab=security&done=1", "\(saved.status) \(saved.text.prefix(500))")
            let tab = try await web.get("/machines/\(id)?tab=security", as: admins)
            #expect(tab.text.contains("RDP behind the VPN only") && tab.text.contains("<small>3389</small>"), "\(tab.text.prefix(4000))")
            let override = String(try #require(tab.text.firstMatch(of: /risk-overrides\/([0-9a-f-]{36})\/delete/)?.1))
            #expect(!(try await web.get("/machines/\(id)?tab=security", as: observers).text.contains("/risk-overrides/")), "no form for observers")
            #expect(
                try await web.post("/machines/\(id)/risk-overrides/\(override)/delete", form: ["_csrf": token], as: admins).location
                    == "/machines/\(id)?tab=security&done=1")
            #expect(!(try await web.get("/machines/\(id)?tab=security", as: admins).text.contains("RDP behind the VPN only")))

            // The certificate: no active one yet, said plainly; then renewed by the agent on request, and revoked.
            let none = try await web.post("/machines/\(id)/certificate/renew", form: ["_csrf": token], as: admins)
            #expect(none.location == "/machines/\(id)?failed=CERTIFICATE_NOT_FOUND", "\(none.location ?? "")")
            #expect(try await web.get(none.location ?? "/", as: admins).text.contains("This machine has no active certificate"))
            try await web.sql(
                "INSERT INTO client_certificates (client_id, machine_id, serial) SELECT client_id, id, '0a1b2c' FROM machines WHERE hostname = 'rdp-01'")
            #expect(try await web.post("/machines/\(id)/certificate/renew", form: ["_csrf": token], as: admins).location == "/machines/\(id)?done=renewal")
            #expect(try await web.get("/machines/\(id)?done=renewal", as: admins).text.contains("Renewal requested"))
            let ask = try await web.get("/machines/\(id)/certificate/revoke", as: admins)
            #expect(
                ask.text.contains("Revoke the certificate of rdp-01?") && ask.text.contains("value=\"key_compromise\"")
                    && !ask.text.contains("value=\"superseded\""))
            let bad = try await web.post("/machines/\(id)/certificate/revoke", form: ["_csrf": token, "reason": "because"], as: admins)
            #expect(bad.location == "/machines/\(id)?failed=VALIDATION_ERROR")
            let revoked = try await web.post("/machines/\(id)/certificate/revoke", form: ["_csrf": token, "reason": "key_compromise"], as: admins)
            #expect(revoked.location == "/machines/\(id)?done=revoked", "\(revoked.location ?? "")")
            let reason = try await web.database.withClient { db in
                try await db.query("SELECT revocation_reason FROM client_certificates WHERE serial = '0a1b2c' AND revoked_at IS NOT NULL", logger: testLogger)
                    .decode(String?.self).reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(reason == ["key_compromise"])
            let observerToken = try #require(try await web.get("/machines/\(id)", as: observers).field("_csrf"))
            let forged = try await web.post("/machines/\(id)/certificate/renew", form: ["_csrf": observerToken], as: observers)
            #expect(forged.location == "/machines/\(id)?failed=FORBIDDEN", "the api refuses an observer")

            // A rule for this machine, from its page.
            let form = try await web.get("/alerts/new?machine_id=\(id)", as: admins)
            #expect(form.text.contains("name=\"machine_id\" value=\"\(id)\""))
            #expect(
                try await web.post(
                    "/alerts",
                    form: [
                        "_csrf": token, "name": "RDP box CPU", "metric": "cpu", "operator": ">", "threshold": "90", "severity": "warning",
                        "cooldown_minutes": "30",
                        "machine_id": id, "enabled": "on",
                    ], as: admins
                ).location == "/alerts?done=1")
            #expect(try await web.get("/alerts", as: admins).text.contains("<td>One machine</td>"))
        }
    }
}
