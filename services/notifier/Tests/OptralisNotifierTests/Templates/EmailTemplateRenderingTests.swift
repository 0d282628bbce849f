import Foundation
import OptralisCore
import Testing

@testable import OptralisNotifier

@Suite("EmailTemplate rendering: every template, both languages, the email compatibility rules")
struct EmailTemplateRenderingTests {
    typealias F = EmailTemplateFixtures

    static let cases: [(EmailTemplate, String)] = EmailTemplate.allCases.flatMap { [($0, "fr"), ($0, "en")] }

    @Test(arguments: cases)
    func renders_subject_text_and_html(template: EmailTemplate, language: String) {
        let email = F.render(template, language)
        #expect(email.subject.hasPrefix("[Optralis] ") && email.subject.count > 12)
        #expect(!email.subject.contains("\n"))
        #expect(email.text.count > 80)
        #expect(email.html.hasPrefix("<!DOCTYPE html>") && email.html.hasSuffix("</html>"))
        #expect(email.html.contains("<html lang=\"\(language)\">"))
        #expect(email.text.contains("© 2026 2LACS IT") && email.html.contains("&copy; 2026"))
        #expect(email.html.contains(">2LACS IT</a>"))
    }

    @Test(arguments: cases)
    func html_follows_the_email_compatibility_rules(template: EmailTemplate, language: String) throws {
        let html = F.render(template, language).html
        for forbidden in ["rgba(", "rgb(", "hsl(", "<style", "<link", "background-clip", "class=", "<div class", "url("] {
            #expect(!html.lowercased().contains(forbidden), "\(template) contains \(forbidden)")
        }
        let colours = F.colourTokens(in: html)
        #expect(colours.count > 10)
        for colour in colours {
            #expect(colour.wholeMatch(of: /#[0-9a-f]{6}/) != nil, "\(colour) is not #rrggbb")
        }
        #expect(html.contains("<img src=\"cid:optralis-logo\""))
        #expect(html.contains("<table role=\"presentation\""))
        for colour in ["#09090b", "#0a0a0a", "#0f0f0f", "#1f1f1f", "#fafafa", "#a1a1aa", "#71717a"] {
            #expect(html.contains(colour), "\(template) lacks \(colour)")
        }
    }

    @Test(arguments: EmailTemplate.allCases)
    func the_accent_is_the_header_line_and_the_title_colour(template: EmailTemplate) {
        let html = F.render(template, "fr").html
        let accent = template.accentColor
        #expect(html.contains("<td height=\"3\" bgcolor=\"\(accent)\""))
        #expect(html.contains("<h1 style=\"") && html.contains("color:\(accent);\">"))
        let expected: [EmailTemplate: String] = [
            .passwordReset: "#f97316", .welcome: "#f97316", .contactConfirmation: "#22c55e", .contactNotification: "#f97316",
            .machineAlert: "#ef4444", .passwordExpiration: "#f59e0b", .licenseExpiration: "#f59e0b", .licenseExtended: "#22c55e",
            .certificateExpiration: "#ef4444", .newPassword: "#f97316", .dailySummary: "#f97316",
        ]
        #expect(accent == expected[template])
    }

    @Test func french_and_english_differ_and_an_unknown_language_falls_back_to_french() {
        for template in EmailTemplate.allCases {
            let fr = F.render(template, "fr"), en = F.render(template, "en"), de = F.render(template, "de")
            #expect(fr.subject != en.subject, "\(template)")
            #expect(de == fr, "\(template)")
            #expect(F.render(template, "en-GB").subject == en.subject)
        }
        #expect(F.render(.passwordReset, "fr").text.contains("Bonjour Jean,"))
        #expect(F.render(.passwordReset, "en").text.contains("Hello Jean,"))
    }

    @Test func every_value_in_the_html_is_escaped() {
        let attack = "<script>alert(1)</script>"
        for template in EmailTemplate.allCases {
            var variables = F.variables(for: template)
            for key in variables.keys where !key.hasSuffix("_url") { variables[key] = attack + "\"'&" }
            for key in ["first_name", "name", "client_name", "message", "company", "machines", "machine_name", "temporary_password"] {
                variables[key] = attack + "\"'&"
            }
            let html = F.render(template, "en", variables).html
            #expect(!html.contains("<script"), "\(template)")
            #expect(!html.contains("alert(1)</script>"), "\(template)")
        }
        let reset = F.render(.passwordReset, "fr", ["first_name": attack]).html
        #expect(reset.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let contact = F.render(.contactNotification, "fr", ["name": "O'Brien \"Bob\"", "message": "a < b & c\nligne 2"]).html
        #expect(contact.contains("O&#39;Brien &quot;Bob&quot;") && contact.contains("a &lt; b &amp; c<br>ligne 2"))
    }

    @Test func urls_are_escaped_in_href_and_unsafe_schemes_are_dropped() {
        let reset = F.render(.passwordReset, "fr").html
        #expect(reset.contains("href=\"https://optralis.example.test/reset-password?token=abc&amp;x=1\""))
        let attack = F.render(.passwordReset, "fr", ["reset_url": "javascript:alert(1)"]).html
        #expect(!attack.contains("javascript:"))
        let quoted = F.render(.passwordReset, "fr", ["reset_url": "https://x.test/\"onmouseover=\"alert(1)"]).html
        #expect(!quoted.contains("\"onmouseover"))
        let notification = F.render(.contactNotification, "fr").html
        #expect(notification.contains("href=\"mailto:marie@example.test\""))
        let injected = F.render(.contactNotification, "fr", ["email": "a@b.test?bcc=x@y.test"]).html
        #expect(!injected.contains("mailto:"))
    }

    @Test func optional_variables_and_wording() {
        #expect(F.render(.welcome, "fr").html.contains("Tmp-Pa55!"))
        var welcome = F.variables(for: .welcome)
        welcome["temporary_password"] = nil
        #expect(!F.render(.welcome, "fr", welcome).text.contains("Mot de passe temporaire"))
        #expect(F.render(.passwordExpiration, "fr", ["days_left": "1"]).subject == "[Optralis] Votre mot de passe expire dans 1 jour")
        #expect(F.render(.passwordExpiration, "en", ["days_left": "0"]).subject == "[Optralis] Your password expires today")
        #expect(F.render(.licenseExpiration, "fr").text.contains("01/03/2026"))
        #expect(F.render(.licenseExtended, "en").text.contains("March 1, 2027"))
        let certificates = F.render(.certificateExpiration, "en")
        #expect(certificates.subject == "[Optralis] 3 expired mTLS certificates - ACME")
        #expect(certificates.text.contains("- srv-01\n- srv-02\n- web-03"))
        #expect(F.render(.passwordReset, "fr", [:]).html.contains("Bonjour,"))
    }

    @Test func the_daily_summary_lays_out_the_summary_it_carries() {
        let fr = F.render(.dailySummary, "fr")
        #expect(fr.subject == "[Optralis] Synthèse quotidienne - ACME - 06/12/2026")
        for line in [
            "82,5/100", "8 / 10", "- srv-01 : hors ligne, 3 alertes", "- web-03 : score de santé 41/100",
            "- CPU élevé (cpu, critique) : 12 fois, 3 machines", "- Machines hors ligne : 2 fois, 2 machines", "45,2 % (−3,1 pts)", "61 % (+1 pts)",
        ] {
            #expect(fr.text.contains(line), "\(line) in \(fr.text)")
        }
        let en = F.render(.dailySummary, "en")
        #expect(en.subject == "[Optralis] Daily summary - ACME - December 6, 2026")
        #expect(en.text.contains("- srv-01: offline, 3 alerts") && en.text.contains("45.2% (−3.1 pts)") && en.text.contains("82.5/100"))
        var unreadable = F.variables(for: .dailySummary)
        unreadable["summary"] = "{not json"
        #expect(F.render(.dailySummary, "en", unreadable).text.contains("Today's summary is available in Optralis."))
    }

    @Test func job_types_map_to_templates() {
        let expected: [String: EmailTemplate] = [
            "welcome": .welcome, "password_reset": .passwordReset, "new_password": .newPassword,
            "password_expiration": .passwordExpiration, "license_expiration": .licenseExpiration,
            "license_extended": .licenseExtended, "certificate_expiration": .certificateExpiration,
            "contact_confirmation": .contactConfirmation, "contact_notification": .contactNotification,
            "machine_alert": .machineAlert, "daily_summary": .dailySummary,
        ]
        for (type, template) in expected { #expect(EmailRenderer.template(forJobType: type) == template) }
        for type in ["routine_notification", "report_notification", "password-reset", ""] {
            #expect(EmailRenderer.template(forJobType: type) == nil)
        }
        #expect(Set(EmailTemplate.allCases.map(\.jobType)).count == EmailTemplate.allCases.count)
        #expect(EmailTemplate.passwordReset.rawValue == "password-reset" && EmailTemplate.certificateExpiration.fileName == "certificate-expiration.html")
    }
}
