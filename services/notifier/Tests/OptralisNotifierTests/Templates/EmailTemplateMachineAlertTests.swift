import Foundation
import OptralisCore
import Testing

@testable import OptralisNotifier

@Suite("EmailTemplate machine-alert: status per alert type, optional rows only when present")
struct EmailTemplateMachineAlertTests {
    typealias F = EmailTemplateFixtures

    func render(_ alert: AlertNotification, _ language: String = "fr") -> RenderedEmail {
        EmailRenderer.render(.machineAlert, language: language, variables: [:], alert: alert, common: F.common)
    }

    @Test func a_full_alert_shows_every_row() {
        let email = render(F.alert(full: true))
        #expect(email.subject == "[Optralis] Hors ligne - srv-01 - ACME")
        for expected in [
            "srv-01", "Hors ligne", "Détectée le", "01/01/2026 à 00:00 UTC", "Dernière connexion", "31/12/2025 à 23:50 UTC",
            "Debian 12", "10.0.0.12", "1.4.2 (beta)", "Version agent", "IP locale", "Système",
        ] {
            #expect(email.html.contains(expected), "html lacks \(expected)")
            #expect(email.text.contains(expected), "text lacks \(expected)")
        }
        #expect(email.html.contains("href=\"https://optralis.example.test/machines/42\""))
        #expect(email.html.contains(/color:#ef4444;[^"]*">Hors ligne<\/td>/), "the status is red")
    }

    @Test func a_minimal_alert_hides_the_optional_rows() {
        for language in ["fr", "en"] {
            let email = render(F.alert(full: false, language: language), language)
            for absent in [
                "Dernière connexion", "Last seen", "Système", "Operating system", "IP locale", "Local IP", "Version agent",
                "Agent version", "Valeur", "Value", "Détails", "Details",
            ] {
                #expect(!email.html.contains(absent), "\(language): \(absent)")
                #expect(!email.text.contains(absent), "\(language): \(absent)")
            }
            #expect(email.html.contains("srv-01"))
        }
    }

    @Test func blank_optional_fields_count_as_absent() {
        var alert = F.alert(full: true)
        alert.os = "  "
        alert.ip = ""
        let email = render(alert, "en")
        #expect(!email.text.contains("Operating system") && !email.text.contains("Local IP"))
        #expect(email.text.contains("Last seen: 2025-12-31 23:50 UTC"))
        #expect(email.text.contains("Agent version: 1.4.2 (beta)"))
    }

    @Test(arguments: AlertType.allCases)
    func every_alert_type_has_a_status_in_both_languages(type: AlertType) {
        let fr = render(F.alert(full: false, type: type), "fr")
        let en = render(F.alert(full: false, type: type, language: "en"), "en")
        let statusFR = MachineAlertDetails.status(type, locale: EmailLocale("fr"))
        let statusEN = MachineAlertDetails.status(type, locale: EmailLocale("en"))
        #expect(fr.text.contains("Statut : \(statusFR)") && en.text.contains("Status: \(statusEN)"))
        #expect(fr.html.contains("<h1 ") && fr.html.contains("color:#ef4444;\">"), "the accent stays red")
    }

    @Test func metric_values_and_messages() {
        var alert = F.alert(full: false, type: .highCPU)
        alert.value = 95.44
        alert.threshold = 90
        alert.message = "CPU > 90 % <pendant> 5 min"
        let fr = render(alert)
        #expect(fr.text.contains("Valeur : 95,4 % (seuil : 90 %)"))
        #expect(fr.html.contains("CPU &gt; 90 % &lt;pendant&gt; 5 min"))
        #expect(fr.html.contains(/color:#f59e0b;[^"]*">CPU élevé<\/td>/), "the status is amber")
        #expect(render(alert, "en").text.contains("Value: 95.4% (threshold: 90%)"))
        var hot = F.alert(full: false, type: .highTemperature)
        hot.value = 91
        hot.threshold = 85
        #expect(render(hot).text.contains("Statut : Température élevée") && render(hot).text.contains("Valeur : 91 °C (seuil : 85 °C)"))
        #expect(render(hot, "en").text.contains("Value: 91 °C (threshold: 85 °C)"))
        // A database rule's figure in its own unit: milliseconds, or a plain count.
        var lag = F.alert(full: false, type: .databaseAlert)
        (lag.value, lag.threshold, lag.unit) = (1500, 1000, " ms")
        #expect(
            render(lag, "en").text.contains("Status: Database alert") && render(lag, "en").text.contains("Value: 1500 ms (threshold: 1000 ms)"),
            "\(render(lag, "en").text)")
        (lag.value, lag.threshold, lag.unit) = (150, 100, "")
        #expect(render(lag).text.contains("Valeur : 150 (seuil : 100)"), "\(render(lag).text)")
    }

    @Test func a_job_without_an_alert_reads_its_variables() {
        let email = F.render(
            .machineAlert, "en",
            [
                "machine_name": "db-02", "alert_type": "disk_critical", "alert_time": "2026-01-01T10:00:00Z", "os": "Ubuntu 24.04",
                "client_name": "ACME",
            ])
        #expect(email.subject == "[Optralis] Critical disk - db-02 - ACME")
        #expect(email.text.contains("Detected at: 2026-01-01 10:00 UTC") && email.text.contains("Operating system: Ubuntu 24.04"))
        #expect(!email.text.contains("Last seen") && !email.text.contains("Local IP"))
        #expect(email.html.contains("href=\"https://optralis.example.test\""), "the dashboard defaults to the base URL")
    }

    @Test func a_test_alert_says_it_is_a_test() {
        let email = render(F.alert(full: false, type: .test), "en")
        #expect(email.subject == "[Optralis] Test notification - ACME")
        #expect(email.text.contains("This is a test message from Optralis for client “ACME”"))
    }
}
