import Foundation
import Logging
import OptralisCore
import OptralisRedis
import OptralisReports
@testable import OptralisScheduler
import OptralisTestSupport
import PostgresNIO
import Testing

/// "Rapports PDF Automatiques (Pro+)": the scheduled reports' periods, who gets them, and the PDF
/// travelling through the real notifier to a real SMTP server.
@Suite("Scheduled executive reports")
struct ExecutiveReportJobTests {
    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// The queue's JSON, as the notifier reads it.
    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    @Test func each_schedule_reports_on_the_last_complete_period() {
        let cases: [(ExecutiveReportKind, String, String, String)] = [
            (.weekly, "2026-12-07T07:00:00Z", "2026-11-30T00:00:00Z", "2026-12-07T00:00:00Z"),
            (.weekly, "2026-12-09T15:30:00Z", "2026-11-30T00:00:00Z", "2026-12-07T00:00:00Z"),
            (.monthly, "2026-12-01T07:00:00Z", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"),
            (.monthly, "2027-03-01T07:00:00Z", "2027-02-01T00:00:00Z", "2027-03-01T00:00:00Z"),
            (.quarterly, "2027-01-01T07:00:00Z", "2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z"),
            (.quarterly, "2026-08-20T07:00:00Z", "2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z"),
        ]
        for (kind, occurrence, from, to) in cases {
            #expect(
                ReportPeriod.completed(kind, before: Self.date(occurrence)) == ReportPeriod(from: Self.date(from), to: Self.date(to)),
                "\(kind) at \(occurrence)")
        }
        let server = SchedulerServer.jobNames
        #expect(server.contains("executive-weekly") && server.contains("executive-monthly") && server.contains("executive-quarterly"))
    }

    @Test func pro_clients_admins_get_the_pdf_through_the_notifier_and_smtp() async throws {
        let database = try await TestDatabase.create()
        let redisServer = try RedisServerProcess()
        try await redisServer.start()
        let redis = RedisClient(url: try RedisURL(parsing: redisServer.url), maximumConnections: 2, logger: testLogger)
        let smtp = try await SMTPTestServer()
        let occurrence = Date()
        let period = ReportPeriod.completed(.weekly, before: occurrence)
        try await database.withClient { db in
            func client(_ name: String, _ licence: String, status: String = "active") async throws -> UUID {
                try await db.query(
                    "INSERT INTO clients (name, license_type, license_status) VALUES (\(name), \(licence), \(status)) RETURNING id", logger: testLogger
                ).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
            }
            let pro = try await client("Pro Rapports", "pro")
            let starter = try await client("Starter Client", "starter")
            let empty = try await client("Empty Enterprise", "enterprise")
            let suspended = try await client("Suspended Pro", "business", status: "suspended")
            let hash = "$2b$12$" + String(repeating: "a", count: 53)
            try await db.query(
                """
                INSERT INTO users (client_id, email, password_hash, role, language) VALUES
                (\(pro), 'dg@pro.test', \(hash), 'admin', 'fr'), (\(pro), 'cio@pro.test', \(hash), 'admin', 'en'),
                (\(pro), 'viewer@pro.test', \(hash), 'observer', 'fr'),
                (\(starter), 'admin@starter.test', \(hash), 'admin', 'fr'), (\(suspended), 'admin@suspended.test', \(hash), 'admin', 'fr'),
                (\(empty), 'admin@empty.test', \(hash), 'admin', 'fr')
                """, logger: testLogger)
            // One machine that sent every hour of the week but twelve: 156 / 168 h = 92.9 %.
            let machine = try await db.query(
                "INSERT INTO machines (client_id, hostname, created_at) VALUES (\(pro), 'pro-srv-1', \(period.from.addingTimeInterval(-86_400))) RETURNING id",
                logger: testLogger
            ).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
            try await db.query(
                """
                INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, ram_avg, sample_count)
                SELECT \(machine), \(period.from) + hour * INTERVAL '1 hour', 35, 55, 60 FROM generate_series(12, 167) AS hour
                """, logger: testLogger)
            for other in [starter, suspended] {
                try await db.query("INSERT INTO machines (client_id, hostname) VALUES (\(other), 'elsewhere')", logger: testLogger)
            }

            let job = ExecutiveReportJob(
                kind: .weekly, builder: ExecutiveReportBuilder(store: ExecutiveReportStore(client: db, logger: testLogger)),
                queues: NotificationQueues(redis: redis), publicURL: "https://monitoring.test", logger: testLogger)
            let counts = try await job.run(occurrence: occurrence)
            #expect(
                counts == ["reports": 1, "emails": 2],
                "one Pro client, its two admins; not the observer, Starter, a suspended licence or a client without machines: \(counts)")
        }

        let queued = try await redis.listRange(NotificationQueues.email).map { try Self.decoder.decode(EmailJob.self, from: Data($0.utf8)) }
        #expect(Set(queued.map(\.email)) == ["dg@pro.test", "cio@pro.test"])
        let french = try #require(queued.first { $0.email == "dg@pro.test" })
        #expect(french.type == "report_notification" && french.data["subject"]?.hasPrefix("Rapport direction hebdomadaire — Pro Rapports") == true)
        let attachment = try #require(french.attachments?.first)
        let day = ReportFormat(language: "fr")
        #expect(attachment.mimeType == "application/pdf")
        #expect(attachment.filename == "weekly-report-\(day.day(period.from))_\(day.day(period.to.addingTimeInterval(-1))).pdf")
        let text = try await PDFProbe.text(Array(attachment.content))
        #expect(text.contains("Pro Rapports") && text.contains("92,9 %"), "\(text.prefix(600))")
        #expect(text.contains("Principaux incidents") && text.contains("Correctifs"), "the weekly technical summary: incidents and patches")
        #expect(!text.contains("Recommandations"), "recommendations belong to the monthly and quarterly reports")
        #expect(Int(try await PDFProbe.info(Array(attachment.content))["Pages"] ?? "") ?? 0 >= 1)

        // The real notifier sends them to the real SMTP server, the PDF attached.
        let notifier = try ServiceProcess.launch(
            "optralis-notifier",
            environment: [
                "DATABASE_URL": database.url.urlString, "REDIS_URL": redisServer.url, "NOTIFIER_PORT": "0", "LOG_LEVEL": "warning",
                "SMTP_HOST": "127.0.0.1", "SMTP_PORT": String(smtp.port), "SMTP_SECURITY": "none", "SMTP_FROM": "Optralis <reports@optralis.test>",
            ],
            port: 0)
        let arrived = await eventually(timeout: .seconds(60)) { ((try? smtp.received()) ?? []).count >= 2 }
        let mails = try smtp.received()
        #expect(arrived, "received \(mails.count)\n\(notifier.child.output.suffix(1000))")
        let english = try #require(mails.first { $0.rcptTos == ["cio@pro.test"] })
        #expect(english.data.contains("Content-Type: multipart/mixed"))
        #expect(english.data.contains("Content-Disposition: attachment; filename=\"\(attachment.filename)\""))
        let bodies = english.textParts
        #expect(bodies.contains("Weekly executive report") && bodies.contains("Availability: 92.9%"), "\(bodies.prefix(800))")
        let delivered = try #require(english.attachment(named: attachment.filename))
        #expect(delivered == attachment.content, "the PDF arrives byte for byte")
        #expect(try await PDFProbe.text(Array(delivered)).contains("Pro Rapports"))
        notifier.child.signal(SIGTERM)
        _ = await notifier.child.waitForExit(timeout: .seconds(10))
        await redis.shutdown()
        await redisServer.stop()
        try await database.drop()
    }
}
