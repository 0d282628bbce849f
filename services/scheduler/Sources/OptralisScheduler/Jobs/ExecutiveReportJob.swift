import Foundation
import Logging
import OptralisCore
import OptralisRedis
import OptralisReports

/// The spec's "Rapports PDF Automatiques (Pro+)": for every active client on Pro or above, the
/// report of the last complete week (Monday 07:00 UTC: the technical summary), month (the 1st:
/// executive KPIs) or quarter (the 1st of January, April, July, October: trends), as a PDF
/// attached to a `report_notification` email to each of the client's admins, unless the client
/// had no machine in the period (the schema has no
/// "direction" or "DSI" role: docs/reports.md). The period follows the occurrence the job serves,
/// so a run caught up after downtime reports on the right period.
struct ExecutiveReportJob: Sendable {
    let kind: ExecutiveReportKind
    let builder: ExecutiveReportBuilder
    let queues: NotificationQueues
    let publicURL: String
    let logger: Logger

    /// Pro is tier 3 (`license_types.tier_level`).
    static let minimumTier = 3

    /// The spec table's content for each frequency.
    var sections: [ExecutiveSection] {
        switch kind {
        case .weekly, .custom: [.summary, .alerts, .incidents, .resources, .topMachines, .smart, .patches, .charts]
        case .monthly: [.summary, .alerts, .resources, .health, .recommendations, .charts]
        case .quarterly: [.summary, .alerts, .resources, .topMachines, .health, .recommendations, .charts]
        }
    }

    func run(occurrence: Date) async throws -> [String: Int] {
        let period = ReportPeriod.completed(kind, before: occurrence)
        var (reports, emails) = (0, 0)
        for clientID in try await builder.store.clients(minimumTier: Self.minimumTier) {
            // A client without a machine in the period gets no email: there is nothing to report.
            guard let report = try await builder.build(clientID: clientID, kind: kind, period: period, sections: sections),
                report.summary?.machineCount ?? 0 > 0
            else { continue }
            let pdf = ReportPDF(report: report)
            let attachment = EmailAttachment(filename: pdf.fileName, mimeType: "application/pdf", content: Data(try pdf.render()))
            reports += 1
            for admin in try await builder.store.admins(clientID) {
                let language = admin.language == "en" || admin.language == "fr" ? admin.language : report.language
                let message = ExecutiveReportMessage(report: report, language: language, publicURL: publicURL)
                try await queues.enqueue(
                    EmailJob(
                        type: "report_notification", email: admin.email, language: language,
                        data: ["subject": message.subject, "textBody": message.text, "htmlBody": message.html], attachments: [attachment]))
                emails += 1
            }
        }
        if reports > 0 { logger.info("executive reports queued", metadata: ["kind": "\(kind.rawValue)", "reports": "\(reports)", "emails": "\(emails)"]) }
        return ["reports": reports, "emails": emails].filter { $0.value > 0 }
    }
}

/// The email around a scheduled report: the headline figures, and the PDF attached.
struct ExecutiveReportMessage {
    let report: ExecutiveReport
    let language: String
    let publicURL: String

    var french: Bool { language != "en" }
    var title: String { ReportPDF.title(report.kind, language: language) }
    var format: ReportFormat { ReportFormat(language: language) }

    var periodText: String {
        let last = format.day(report.period.to.addingTimeInterval(-1))
        return "\(format.day(report.period.from)) → \(last)"
    }

    var subject: String { "\(title) — \(report.client.name) (\(periodText))" }

    /// Label and value of each headline figure the report has.
    var figures: [(String, String)] {
        var lines: [(String, String)] = []
        if let summary = report.summary {
            lines.append((french ? "Machines" : "Machines", "\(summary.machineCount)"))
            lines.append((french ? "Disponibilité" : "Availability", format.percent(summary.availabilityPercent)))
        }
        if let alerts = report.alerts { lines.append((french ? "Alertes" : "Alerts", "\(alerts.total)")) }
        if let health = report.health { lines.append((french ? "Score santé" : "Health score", health.fleetScore.map { format.number($0) } ?? "—")) }
        if let cpu = report.resources?.cpu { lines.append((french ? "CPU moyen" : "Average CPU", format.percent(cpu.average))) }
        return lines
    }

    var text: String {
        var lines = [subject, ""]
        lines += figures.map { $0.0 + (french ? " : " : ": ") + $0.1 }
        if let first = report.recommendations?.first { lines += ["", first.text] }
        lines += ["", french ? "Le rapport complet est joint en PDF." : "The full report is attached as a PDF.", "\(publicURL)/reports"]
        return lines.joined(separator: "\n")
    }

    var html: String {
        let rows = figures.map {
            "<tr><td style=\"padding:4px 12px 4px 0;color:#6b7280\">\(HTMLText.escape($0.0))</td><td style=\"padding:4px 0;font-weight:600\">\(HTMLText.escape($0.1))</td></tr>"
        }
        var body = "<div style=\"font-family:Helvetica,Arial,sans-serif;color:#111827\">"
        body += "<h2 style=\"color:#f97316;margin:0 0 4px\">\(HTMLText.escape(title))</h2>"
        body += "<p style=\"margin:0 0 12px\"><strong>\(HTMLText.escape(report.client.name))</strong> · \(HTMLText.escape(periodText))</p>"
        body += "<table style=\"border-collapse:collapse\">\(rows.joined())</table>"
        if let first = report.recommendations?.first { body += "<p>\(HTMLText.escape(first.text))</p>" }
        body += "<p>\(french ? "Le rapport complet est joint en PDF." : "The full report is attached as a PDF.")</p></div>"
        return body
    }
}
