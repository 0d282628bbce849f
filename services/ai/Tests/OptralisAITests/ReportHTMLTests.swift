import Foundation
import OptralisAI
import OptralisTestSupport
import Testing

@Suite("AI reports: self-contained styled HTML with inline SVG charts")
struct ReportHTMLTests {
    static let start = ISO8601DateFormatter().date(from: "2026-11-15T00:00:00Z")!

    static func sample(format: ReportDocument.Format, language: String = "fr") -> ReportDocument {
        ReportDocument(
            kind: .weekly, format: format, language: language, clientName: "Acme <Logistique> & \"Fils\"", periodStart: start,
            periodEnd: start.addingTimeInterval(7 * 86_400), generatedAt: start.addingTimeInterval(7 * 86_400 + 3600),
            machines: [
                .init(hostname: "SRV-PROD-01", healthScore: 92, healthChange: 3, cpuP95: 41.5, ramP95: 63.2, diskPercent: 55, issues: 0),
                .init(hostname: "SRV-SQL-02", healthScore: 48, healthChange: -17, cpuP95: 97.25, ramP95: 88, diskPercent: 91.4, issues: 3),
                .init(hostname: "WKS-<script>", healthScore: nil, cpuP95: nil, issues: 1, online: false),
            ],
            healthByDay: (0..<7).map { .init(day: start.addingTimeInterval(Double($0) * 86_400), score: 80 - Double($0) * 2.5) },
            alerts: 12,
            issues: [
                .init(severity: .warning, hostname: "SRV-PROD-01", text: "Mises à jour de sécurité en attente depuis 9 jours"),
                .init(severity: .critical, hostname: "SRV-SQL-02", text: "Disque D: à 91 % — saturation prévue le 03/12/2026"),
            ],
            recommendations: ["Étendre le volume D: de SRV-SQL-02 avant le 01/12.", "Planifier le redémarrage de SRV-PROD-01."],
            narrative: nil, narrativeUnavailableReason: "ANTHROPIC_API_KEY non configurée")
    }

    @Test func the_html_carries_every_part_escapes_the_data_and_fetches_nothing() throws {
        let executive = ReportHTML.render(Self.sample(format: .executive))
        #expect(executive.hasPrefix("<!DOCTYPE html>") && executive.contains("<html lang=\"fr\">"))
        #expect(executive.contains("Rapport hebdomadaire — Acme &lt;Logistique&gt; &amp; &quot;Fils&quot;"), "the client name is escaped")
        #expect(executive.contains("Période du 15/11/2026 au 22/11/2026"))
        #expect(executive.contains("<svg") && executive.contains("<polyline"), "the health trend is an inline SVG line")
        #expect(executive.contains("70 %") == false && executive.contains("66,7 %"), "2 of 3 machines online, French decimal comma")
        #expect(executive.contains("Analyse rédigée indisponible (ANTHROPIC_API_KEY non configurée)"))
        let critical = try #require(executive.range(of: "Disque D:"))
        let warning = try #require(executive.range(of: "Mises à jour de sécurité"))
        #expect(critical.lowerBound < warning.lowerBound, "critical issues first")
        #expect(!executive.contains("<table"), "the executive format has no machine table")

        let technical = ReportHTML.render(Self.sample(format: .technical, language: "en"))
        #expect(technical.contains("<html lang=\"en\">") && technical.contains("Weekly report") && technical.contains("Period from 2026-11-15 to 2026-11-22"))
        #expect(technical.contains("<table") && technical.contains("WKS-&lt;script&gt;") && !technical.contains("<script"), "host names are escaped")
        #expect(technical.contains("97.3 %") || technical.contains("97.2 %"), "CPU p95 bars in English format")
        #expect(technical.contains("▼ 17"), "health change shown")

        for html in [executive, technical] {
            for pattern in [#"(?i)\b(src|href)\s*="#, #"(?i)url\s*\("#, #"(?i)@import"#, #"(?i)<link\b"#, #"(?i)<script\b"#, #"(?i)<img\b"#, #"(?i)<iframe\b"#]
            {
                #expect(html.range(of: pattern, options: .regularExpression) == nil, "no external resource or script (\(pattern))")
            }
        }
    }

    @Test func an_empty_period_still_renders_with_its_explanations() {
        var empty = Self.sample(format: .technical, language: "en")
        empty.machines = []
        empty.healthByDay = []
        empty.issues = []
        empty.recommendations = []
        empty.narrative = "All quiet."
        let html = ReportHTML.render(empty)
        #expect(html.contains("No health score over the period yet") && html.contains("No issue found.") && html.contains("No CPU measurement."))
        #expect(html.contains("All quiet.") && !html.contains("Written analysis unavailable"))
    }

    /// Headless Chromium (Debian's `chromium`) renders the page offline: the screenshot exists and
    /// carries far more than a blank page of the same size.
    @Test func headless_chromium_renders_the_report() async throws {
        let chromium = try #require(which("chromium") ?? which("chromium-browser"), "scripts/deps.sh installs chromium")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("optralis-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func screenshot(_ html: String, _ name: String) async throws -> Data {
            let page = directory.appendingPathComponent("\(name).html"), image = directory.appendingPathComponent("\(name).png")
            try html.write(to: page, atomically: true, encoding: .utf8)
            let run = try await ChildProcess.run(
                chromium,
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--proxy-server=127.0.0.1:9",
                    "--user-data-dir=\(directory.path)/profile-\(name)",
                    "--window-size=900,1800", "--screenshot=\(image.path)", page.absoluteString,
                ],
                environment: ["HOME": directory.path, "PATH": "/usr/bin:/bin"], timeout: .seconds(90))
            #expect(run.status == 0, "chromium: \(run.output.suffix(600))")
            return try Data(contentsOf: image)
        }
        let report = try await screenshot(ReportHTML.render(Self.sample(format: .technical)), "report")
        let blank = try await screenshot("<!DOCTYPE html><html><body></body></html>", "blank")
        #expect(report.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        #expect(report.count > blank.count * 5, "the page drew something: \(report.count) bytes against \(blank.count) for a blank page")
    }
}
