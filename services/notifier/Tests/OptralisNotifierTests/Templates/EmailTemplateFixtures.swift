import Foundation
import OptralisCore
import OptralisCurl

@testable import OptralisNotifier

/// Sample inputs for the template tests, and a small MIME reader to check rendered messages.
enum EmailTemplateFixtures {
    static let common = CommonEmailVariables(
        baseURL: "https://optralis.example.test/", companyURL: "https://2lacs-it.example.test", companyName: "2LACS IT", year: 2026)

    /// Every variable each template reads, filled.
    static func variables(for template: EmailTemplate) -> [String: String] {
        switch template {
        case .passwordReset: ["first_name": "Jean", "reset_url": "https://optralis.example.test/reset-password?token=abc&x=1", "expires_in_minutes": "60"]
        case .welcome: ["first_name": "Jean", "login_url": "https://optralis.example.test/login", "temporary_password": "Tmp-Pa55!", "client_name": "ACME"]
        case .newPassword: ["first_name": "Jean", "login_url": "https://optralis.example.test/login", "temporary_password": "Tmp-Pa55!"]
        case .contactConfirmation, .contactNotification:
            ["name": "Marie Curie", "email": "marie@example.test", "company": "Radium SA", "message": "Bonjour,\nJe voudrais une démo."]
        case .machineAlert: ["machine_name": "srv-01", "alert_type": "machine_offline", "dashboard_url": "https://optralis.example.test/machines/1"]
        case .passwordExpiration: ["first_name": "Jean", "days_left": "5", "change_url": "https://optralis.example.test/settings"]
        case .licenseExpiration: ["client_name": "ACME", "days_left": "14", "expires_at": "2026-03-01"]
        case .licenseExtended: ["client_name": "ACME", "expires_at": "2027-03-01T00:00:00Z"]
        case .certificateExpiration: ["client_name": "ACME", "machines": "srv-01, srv-02,web-03", "count": "3"]
        case .dailySummary:
            ["client_name": "ACME", "date": "2026-12-06", "summary": dailySummaryJSON, "dashboard_url": "https://optralis.example.test/"]
        }
    }

    /// A daily summary as the scheduler writes it: two machines in alert, two incidents, a trend.
    static let dailySummaryJSON = """
        {"client_id":"6f1c0a52-0d6a-4c8e-9a57-2f8d6c1f0b11","client_name":"ACME","generated_at":"2026-12-06T07:00:00Z",
         "period_start":"2026-12-05T07:00:00Z","period_end":"2026-12-06T07:00:00Z",
         "machines":{"total":10,"online":8,"offline":2,"maintenance":0},
         "health":{"average_score":82.5,"scored_machines":9,"lowest_score":41},
         "machines_in_alert_count":2,
         "machines_in_alert":[
           {"machine_id":"0b9f6c1e-8a43-4a4f-b3a8-0b3b1f2a9c01","hostname":"srv-01","severity":"critical","reasons":["offline","alert_rule"],"alerts_24h":3},
           {"machine_id":"0b9f6c1e-8a43-4a4f-b3a8-0b3b1f2a9c02","hostname":"web-03","severity":"critical","reasons":["low_health_score"],"alerts_24h":0,"health_score":41}],
         "top_incidents":[
           {"kind":"alert_rule","name":"CPU élevé","metric":"cpu","severity":"critical","count":12,"machines":3,"last_at":"2026-12-06T06:40:00Z"},
           {"kind":"machine_offline","severity":"critical","count":2,"machines":2,"last_at":"2026-12-06T05:00:00Z"}],
         "trend":{"current_start":"2026-12-05T07:00:00Z","previous_start":"2026-12-04T07:00:00Z","end":"2026-12-06T07:00:00Z",
                  "cpu":{"current":45.2,"previous":48.3,"change":-3.1},"ram":{"current":61,"previous":60,"change":1},"disk":{}}}
        """

    static func alert(full: Bool, type: AlertType = .machineOffline, language: String = "fr") -> AlertNotification {
        AlertNotification(
            alertType: type, clientName: "ACME", language: language, occurredAt: Date(timeIntervalSince1970: 1_767_225_600),
            machineName: "srv-01", lastSeen: full ? Date(timeIntervalSince1970: 1_767_225_000) : nil, os: full ? "Debian 12" : nil,
            ip: full ? "10.0.0.12" : nil, agentVersion: full ? "1.4.2" : nil, agentChannel: full ? "beta" : nil,
            dashboardURL: "https://optralis.example.test/machines/42")
    }

    static func render(_ template: EmailTemplate, _ language: String, _ variables: [String: String]? = nil) -> RenderedEmail {
        EmailRenderer.render(template, language: language, variables: variables ?? Self.variables(for: template), common: common)
    }

    /// Every `#…` token inside `style="…"` and `bgcolor="…"` attributes.
    static func colourTokens(in html: String) -> [String] {
        let attribute = /(?:style|bgcolor)="([^"]*)"/
        let colour = /#[0-9A-Za-z]+/
        return html.matches(of: attribute).flatMap { match in
            String(match.output.1).matches(of: colour).map { String($0.output) }
        }
    }

    /// A MIME entity: its headers (lowercased names) and its body.
    struct MIMEPart {
        var headers: [String: String]
        var body: String

        init(_ text: String) {
            let split = text.range(of: "\r\n\r\n")
            let head = split.map { String(text[..<$0.lowerBound]) } ?? text
            body = split.map { String(text[$0.upperBound...]) } ?? ""
            headers = [:]
            for line in head.components(separatedBy: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }

        var contentType: String { headers["content-type"] ?? "" }

        /// The parts of a multipart entity, split on its boundary; nil when it is not multipart.
        var parts: [MIMEPart]? {
            guard contentType.hasPrefix("multipart/"), let start = contentType.range(of: "boundary=\"") else { return nil }
            let rest = contentType[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { return nil }
            let boundary = String(rest[..<end])
            guard let close = body.range(of: "\r\n--\(boundary)--") else { return nil }
            let inner = "\r\n" + body[..<close.lowerBound]
            let chunks = inner.components(separatedBy: "\r\n--\(boundary)\r\n")
            return chunks.dropFirst().map(MIMEPart.init)
        }

        /// The base64 body decoded.
        var decoded: Data? { Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: "")) }
    }
}
