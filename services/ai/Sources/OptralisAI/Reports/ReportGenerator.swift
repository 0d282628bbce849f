import Foundation
import Logging
import OptralisCore
import OptralisRedis
import PostgresNIO

/// Builds, stores and mails a report: the client's facts over the period, 2 quota units, Claude's
/// summary when configured, the HTML page, `report_notification` jobs. Used by
/// `POST /ai/reports/generate` and by the report routines.
struct ReportGenerator: Sendable {
    let database: PostgresClient
    let narrative: NarrativeWriter
    let queues: NotificationQueues
    let logger: Logger

    struct Request: Sendable {
        var kind: ReportDocument.Kind
        var format: ReportDocument.Format
        var language: AILanguage
        var machineID: UUID?
        var recipients: [String] = []
        var routineID: UUID?
    }

    enum Outcome: Sendable {
        case generated(ReportStore.Summary, emailsQueued: Int, narrativeAvailable: Bool)
        case quotaExceeded(QuotaStatus?)
        case clientNotFound
        case machineNotFound
    }

    func generate(_ request: Request, clientID: UUID, now: Date) async throws -> Outcome {
        let start = now.addingTimeInterval(-Double(request.kind.days) * 86_400)
        guard let facts = try await ReportSource(client: database, logger: logger).facts(clientID: clientID, machineID: request.machineID, from: start, to: now)
        else { return .clientNotFound }
        if request.machineID != nil, facts.machines.isEmpty { return .machineNotFound }
        let quota = QuotaStore(client: database, logger: logger)
        guard try await quota.consume(clientID: clientID, cost: AnalysisKind.report.cost, now: now) else {
            return .quotaExceeded(try await quota.status(clientID: clientID, now: now))
        }
        let language = request.language.rawValue
        var report = ReportDocument(
            kind: request.kind, format: request.format, language: language, clientName: facts.clientName, periodStart: start, periodEnd: now,
            generatedAt: now, machines: facts.machines, healthByDay: facts.healthByDay, alerts: facts.alerts.count,
            issues: ReportFindings.issues(facts, language: language), recommendations: ReportFindings.recommendations(facts, language: language),
            narrative: nil)
        let statistics = ReportStatistics(report)
        let written = await narrative.write(
            analysis: AnalysisKind.report.path, hostname: facts.clientName, statistics: AIJSON.string(statistics), events: [],
            language: request.language, customContext: "")
        report.narrative = written.narrative?.summary
        report.narrativeUnavailableReason = written.unavailableReason
        let text = ReportText(language: language)
        let title = text.title(request.kind, client: facts.clientName)
        let summary = report.narrative ?? statistics.sentence(text)
        let html = ReportHTML.render(report)
        let stored = try await ReportStore(client: database, logger: logger).save(
            report, clientID: clientID, machineID: request.machineID, routineID: request.routineID, title: title, summary: summary,
            content: AIJSON.string(statistics), html: html, cost: AnalysisKind.report.cost)
        for address in request.recipients {
            try await queues.enqueue(
                EmailJob(
                    type: "report_notification", email: address, language: language,
                    data: ["subject": "[Optralis] \(title) (\(text.date(now)))", "textBody": summary, "htmlBody": html]))
        }
        logger.info("report generated", metadata: ["optralis.client_id": "\(clientID)", "report_id": "\(stored.id)", "emails": "\(request.recipients.count)"])
        return .generated(stored, emailsQueued: request.recipients.count, narrativeAvailable: report.narrative != nil)
    }
}

extension ReportDocument.Kind {
    /// The days a report covers, ending now.
    var days: Int {
        switch self {
        case .daily: 1
        case .weekly: 7
        case .monthly: 30
        }
    }
}
