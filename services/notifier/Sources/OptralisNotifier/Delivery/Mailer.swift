import Foundation
import Logging
import OptralisCore
import OptralisCurl

/// Renders and sends email over SMTP: the transactional jobs of `email:queue` and the alerts of
/// email channels. Every message is multipart/alternative (text + HTML) with the inline logo,
/// and the job's attachments (a scheduled report's PDF) in a multipart/mixed around it.
struct Mailer: Sendable {
    let curl: CurlClient
    /// Nil when `SMTP_HOST` is not set: email jobs then fail and are dead-lettered, visibly.
    let smtp: SMTPSettings?
    let from: String
    let fromName: String
    let common: CommonEmailVariables
    let logger: Logger

    func send(_ job: EmailJob) async -> JobOutcome {
        let rendered: RenderedEmail
        switch job.type {
        // Jobs that carry their own text: the AI's routines and reports, the api's security
        // notices (a machine re-enrolled).
        case "routine_notification", "report_notification", "security_notice":
            guard let subject = job.data["subject"], let text = job.data["textBody"] else {
                return .failed(error: "\(job.type) job without subject or textBody")
            }
            rendered = RenderedEmail(subject: subject, text: text, html: job.data["htmlBody"] ?? "")
        default:
            guard let template = EmailRenderer.template(forJobType: job.type) else { return .failed(error: "unknown email job type \(job.type)") }
            rendered = EmailRenderer.render(template, language: job.language, variables: job.data, common: common)
        }
        return await deliver(rendered, to: [job.email], attachments: job.attachments ?? [])
    }

    func sendAlert(_ alert: AlertNotification, to addresses: [String]) async -> JobOutcome {
        let rendered = EmailRenderer.render(.machineAlert, language: alert.language, variables: [:], alert: alert, common: common)
        return await deliver(rendered, to: addresses)
    }

    private func deliver(_ email: RenderedEmail, to recipients: [String], attachments: [EmailAttachment] = []) async -> JobOutcome {
        guard let smtp else { return .failed(error: "SMTP is not configured (SMTP_HOST)") }
        guard attachments.reduce(0, { $0 + $1.content.count }) <= EmailAttachment.maximumTotalBytes else {
            return .failed(error: "attachments above \(EmailAttachment.maximumTotalBytes) bytes")
        }
        let message = EmailMessage(
            from: from, fromName: fromName, to: recipients, subject: email.subject, text: email.text,
            html: email.html.isEmpty ? nil : email.html,
            inlineImages: email.html.isEmpty
                ? [] : [InlineImage(contentID: OptralisLogo.contentID, mimeType: "image/png", filename: "optralis.png", bytes: OptralisLogo.png)],
            attachments: attachments)
        do {
            try await curl.sendMail(message.envelope, via: smtp)
            return .delivered
        } catch {
            return .retry(error: "SMTP: \(error)", after: nil)
        }
    }
}

/// `email:queue` jobs, in the spec's format.
struct EmailJobHandler: JobHandler {
    let mailer: Mailer

    func handle(_ job: JobEnvelope, attempt: Int) async -> JobOutcome {
        guard let email = job.decode(EmailJob.self) ?? job.decode(LegacyEmailJob.self)?.job else {
            return .failed(error: "not an email job")
        }
        return await mailer.send(email)
    }

    func buried(_ job: JobEnvelope, error: String, attempts: Int) async {}
}

/// A job in the spec's exact format, which has no `id` (the envelope derives one).
struct LegacyEmailJob: Decodable {
    let type: String
    let email: String
    let language: String?
    let data: [String: String]?
    let retries: Int?

    var job: EmailJob {
        EmailJob(type: type, email: email, language: language ?? "fr", data: data ?? [:], retries: retries ?? 0)
    }
}
