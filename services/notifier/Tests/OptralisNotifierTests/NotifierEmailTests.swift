import Foundation
import OptralisCore
import OptralisRedis
import OptralisTestSupport
import Testing

@Suite("Notifier: email over a real SMTP server")
struct NotifierEmailTests {
    @Test func email_jobs_and_email_channel_alerts_arrive_as_mime_with_the_inline_logo() async throws {
        let smtp = try await SMTPTestServer(tls: true, user: "mailer", password: "smtp-pass-1")
        try await NotifierHarness.run(sink: WebhookSink(), channelType: "email") { notifier in
            try await notifier.database.withClient { db in
                try await db.query(
                    #"UPDATE notification_channels SET config = '{"emails": ["ops@acme.test", "oncall@acme.test"]}'::jsonb WHERE id = \#(notifier.channelID)"#,
                    logger: testLogger)
            }
            let process = try notifier.launch(
                name: "mail",
                environment: [
                    "SMTP_HOST": "127.0.0.1", "SMTP_PORT": String(smtp.port), "SMTP_SECURITY": "starttls", "SMTP_USER": "mailer",
                    "SMTP_PASS": "smtp-pass-1", "SMTP_CA_FILE": smtp.certificateFile!, "SMTP_FROM": "Optralis Alertes <alerts@optralis.test>",
                ])
            let redis = try notifier.redisClient()
            let queues = NotificationQueues(redis: redis)
            // A job in the spec's exact format (no id), as any producer may write it.
            try await redis.leftPush(
                NotificationQueues.email,
                #"{"type":"welcome","email":"new.user@acme.test","language":"en","data":{"first_name":"Ann","login_url":"https://monitoring.test","temporary_password":"Tmp-Pass-123!"},"created_at":"2026-01-09T08:00:00Z","retries":0}"#
            )
            try await queues.enqueue(
                EmailJob(
                    type: "password_reset", email: "fr.user@acme.test", language: "fr",
                    data: ["first_name": "Zoé", "reset_url": "https://monitoring.test/reset-password?token=abc", "expires_in_minutes": "60"]))
            try await notifier.enqueue(1)
            // Every template, in both languages.
            let data = [
                "first_name": "Ann", "login_url": "https://monitoring.test", "temporary_password": "Tmp-Pass-123!", "client_name": "Acme",
                "reset_url": "https://monitoring.test/r?token=t", "days_left": "10", "change_url": "https://monitoring.test/account",
                "expires_at": "2026-12-31T00:00:00Z", "machines": "SRV-1, SRV-2", "count": "2", "name": "Bob", "email": "bob@x.test",
                "company": "X", "message": "Hello", "machine_name": "SRV-1", "alert_type": "machine_offline",
                "date": "2026-12-06", "summary": Self.dailySummary,
            ]
            let types = [
                "welcome", "password_reset", "new_password", "password_expiration", "license_expiration", "license_extended",
                "certificate_expiration", "contact_confirmation", "contact_notification", "machine_alert", "daily_summary",
            ]
            for type in types {
                for language in ["fr", "en"] {
                    try await queues.enqueue(EmailJob(type: type, email: "\(type).\(language)@acme.test", language: language, data: data))
                }
            }
            // A job that carries its own subject and text, as the api's re-enrolment notice.
            try await queues.enqueue(
                EmailJob(
                    type: "security_notice", email: "security.notice@acme.test", language: "en",
                    data: ["subject": "Optralis: machine prod-db-1 was re-enrolled", "textBody": "The machine prod-db-1 was re-enrolled."]))
            let expected = 4 + types.count * 2

            let arrived = await eventually(timeout: .seconds(60)) { ((try? smtp.received()) ?? []).count >= expected }
            let mails = try smtp.received()
            #expect(arrived, "received \(mails.count) of \(expected)\n\(process.child.output.suffix(1000))")
            for type in types {
                for language in ["fr", "en"] {
                    #expect(mails.contains { $0.rcptTos == ["\(type).\(language)@acme.test"] }, "\(type) in \(language) did not arrive")
                }
            }
            let notice = try #require(mails.first { $0.rcptTos == ["security.notice@acme.test"] }, "the security notice arrived")
            #expect(notice.data.contains("Subject: Optralis: machine prod-db-1 was re-enrolled"), "\(notice.data.prefix(800))")
            #expect((notice.data + Self.decodedBodies(notice.data)).contains("The machine prod-db-1 was re-enrolled."))
            for mail in mails where mail.rcptTos != ["security.notice@acme.test"] {
                #expect(mail.tls, "sent after STARTTLS")
                #expect(mail.authenticatedAs == "mailer")
                #expect(mail.mailFrom == "alerts@optralis.test")
                #expect(mail.data.contains("multipart/related"), "the logo travels inline")
                #expect(mail.data.contains("Content-ID: <optralis-logo>"))
                #expect(mail.data.contains("multipart/alternative") && mail.data.contains("text/plain") && mail.data.contains("text/html"))
            }
            let welcome = try #require(mails.first { $0.rcptTos == ["new.user@acme.test"] })
            #expect(welcome.data.contains("Subject: "))
            let reset = try #require(mails.first { $0.rcptTos == ["fr.user@acme.test"] })
            #expect(reset.data.contains("Subject: =?utf-8?B?"), "a French subject with accents is RFC 2047 encoded")
            let alert = try #require(mails.first { $0.rcptTos == ["ops@acme.test", "oncall@acme.test"] })
            #expect(Self.decodedBodies(alert.data).contains("job-00000"), "the machine alert names the machine")
            let summary = try #require(mails.first { $0.rcptTos == ["daily_summary.en@acme.test"] })
            #expect(Self.decodedBodies(summary.data).contains("SRV-9: offline"), "the daily summary lists its machines in alert")
            let history = try await notifier.history(atLeast: 1)
            #expect(history.map(\.status) == ["sent"], "the channel delivery is recorded")
            await redis.shutdown()
            process.child.signal(SIGTERM)
            #expect(await process.child.waitForExit(timeout: .seconds(10)) == 0)
        }
    }

    @Test func an_email_job_with_an_attachment_arrives_as_multipart_mixed_with_the_same_bytes() async throws {
        let smtp = try await SMTPTestServer()
        try await NotifierHarness.run(sink: WebhookSink()) { notifier in
            let process = try notifier.launch(
                name: "attach",
                environment: [
                    "SMTP_HOST": "127.0.0.1", "SMTP_PORT": String(smtp.port), "SMTP_SECURITY": "none", "SMTP_FROM": "Optralis <reports@optralis.test>",
                ])
            let redis = try notifier.redisClient()
            // Every byte value, several times: the base64 lines and their padding are exercised.
            let bytes = Data((0..<1000).map { UInt8(($0 * 7) % 256) })
            try await NotificationQueues(redis: redis).enqueue(
                EmailJob(
                    type: "report_notification", email: "boss@acme.test", language: "fr",
                    data: [
                        "subject": "Rapport direction hebdomadaire — Acme", "textBody": "Le rapport est joint.", "htmlBody": "<p>Le rapport est joint.</p>",
                    ],
                    attachments: [EmailAttachment(filename: "weekly-report-2026-12-07.pdf", mimeType: "application/pdf", content: bytes)]))
            let arrived = await eventually(timeout: .seconds(30)) { ((try? smtp.received()) ?? []).count >= 1 }
            #expect(arrived, "\(process.child.output.suffix(1000))")
            let mail = try #require(try smtp.received().first)
            #expect(mail.rcptTos == ["boss@acme.test"])
            #expect(mail.data.contains("Content-Type: multipart/mixed; boundary="), "\(mail.data.prefix(1200))")
            #expect(mail.data.contains("Content-Disposition: attachment; filename=\"weekly-report-2026-12-07.pdf\""))
            #expect(mail.data.contains("Content-Type: application/pdf; name=\"weekly-report-2026-12-07.pdf\""))
            #expect(mail.data.contains("multipart/alternative") && mail.data.contains("Content-ID: <optralis-logo>"), "the body keeps its text, HTML and logo")
            #expect(mail.attachment(named: "weekly-report-2026-12-07.pdf") == bytes, "the attachment's bytes arrive unchanged")
            await redis.shutdown()
            process.child.signal(SIGTERM)
            #expect(await process.child.waitForExit(timeout: .seconds(10)) == 0)
        }
    }

    /// A daily summary as the scheduler queues it (`DailySummaryJob`): one machine in alert.
    static let dailySummary = """
        {"client_id":"6f1c0a52-0d6a-4c8e-9a57-2f8d6c1f0b11","client_name":"Acme","generated_at":"2026-12-06T07:00:00Z",\
        "period_start":"2026-12-05T07:00:00Z","period_end":"2026-12-06T07:00:00Z","machines":{"total":2,"online":1,"offline":1,"maintenance":0},\
        "health":{"average_score":71,"scored_machines":1},"machines_in_alert_count":1,"machines_in_alert":[{"machine_id":\
        "0b9f6c1e-8a43-4a4f-b3a8-0b3b1f2a9c01","hostname":"SRV-9","severity":"critical","reasons":["offline"],"alerts_24h":0}],"top_incidents":[],\
        "trend":{"current_start":"2026-12-05T07:00:00Z","previous_start":"2026-12-04T07:00:00Z","end":"2026-12-06T07:00:00Z","cpu":{},"ram":{},"disk":{}}}
        """

    /// Every base64 part of a MIME message, decoded.
    static func decodedBodies(_ message: String) -> String {
        message.components(separatedBy: "Content-Transfer-Encoding: base64\r\n\r\n").dropFirst().compactMap { part in
            let encoded = part.components(separatedBy: "\r\n--").first?.replacingOccurrences(of: "\r\n", with: "") ?? ""
            return Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) }
        }.joined(separator: "\n")
    }
}
