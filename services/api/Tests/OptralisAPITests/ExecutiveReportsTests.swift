import Foundation
import HTTPTypes
import OptralisTestSupport
import Testing

/// Executive reports ("Rapports Direction"): figures computed from seeded roll-ups, alerts,
/// S.M.A.R.T., patches and health scores; the PDF read back with poppler; the licence gates;
/// the period bounds; the tenant wall.
@Suite("Executive reports")
struct ExecutiveReportsTests {
    /// The last completed hour: the seeded period ends there, so every hour of it is "expected".
    static func hour(_ date: Date = Date()) -> Date { Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 3600).rounded(.down) * 3600) }

    struct Seeded {
        let client: UUID
        let admin: String
        let from: Date
        let to: Date
    }

    /// Two machines over a 10-hour period `[to - 10 h, to)` and the 10 hours before:
    /// - srv-a sends every hour (CPU 40, RAM 30; before: CPU 20, RAM 30), disk 80 % (before 70 %);
    /// - srv-b sends 5 hours of 10 (CPU 70, RAM 60);
    /// so availability 15 / 20 h = 75 %, CPU (40·600 + 70·300) / 900 = 50, RAM 40, disk 80.
    /// Alerts in the period: srv-b cpu critical ×2, srv-a ram warning ×1; one before; one older.
    /// S.M.A.R.T.: srv-b's sda warning. Patches: 4 (2 security, reboot) + 1. Scores 80 and 40.
    func seed(_ api: APIHarness, name: String, licence: String) async throws -> Seeded {
        let client = try await api.seedClient(name)
        try await api.sql("UPDATE clients SET license_type = \(licence) WHERE id = \(client)")
        let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
        let to = Self.hour()
        let from = to.addingTimeInterval(-10 * 3600)
        let a = try await api.seedMachine(client: client, hostname: "srv-a")
        let b = try await api.seedMachine(client: client, hostname: "srv-b")
        let created = from.addingTimeInterval(-2 * 86_400)
        try await api.sql("UPDATE machines SET created_at = \(created) WHERE client_id = \(client)")
        try await api.sql("UPDATE machines SET health_score = 80 WHERE id = \(a)")
        try await api.sql("UPDATE machines SET health_score = 40 WHERE id = \(b)")
        for index in 0..<10 {
            let bucket = from.addingTimeInterval(Double(index) * 3600)
            let before = bucket.addingTimeInterval(-10 * 3600)
            try await api.sql(
                "INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, ram_avg, sample_count) VALUES (\(a), \(bucket), 40, 30, 60), (\(a), \(before), 20, 30, 60)"
            )
            try await api.sql(
                "INSERT INTO disk_hourly (machine_id, bucket, mount_point, disk_usage_avg, sample_count) VALUES (\(a), \(bucket), '/', 80, 60), (\(a), \(before), '/', 70, 60)"
            )
            if index % 2 == 0 {
                try await api.sql("INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, ram_avg, sample_count) VALUES (\(b), \(bucket), 70, 60, 60)")
            }
        }
        func alert(_ machine: UUID, _ metric: String, _ severity: String, _ at: Date, value: Double) async throws {
            try await api.sql(
                """
                INSERT INTO alert_rule_history (client_id, machine_id, rule_name, metric, operator, threshold, severity, triggered_value, triggered_at)
                VALUES (\(client), \(machine), \("Seuil " + metric), \(metric), '>', 90, \(severity), \(value), \(at))
                """)
        }
        try await alert(b, "cpu", "critical", from.addingTimeInterval(3600), value: 97)
        try await alert(b, "cpu", "critical", from.addingTimeInterval(7200), value: 95)
        try await alert(a, "ram", "warning", from.addingTimeInterval(5 * 3600), value: 92)
        try await alert(a, "disk", "warning", from.addingTimeInterval(-3600), value: 91)
        try await alert(a, "disk", "warning", from.addingTimeInterval(-8 * 86_400), value: 91)
        try await api.sql(
            """
            INSERT INTO smart_data (machine_id, recorded_at, device, model, smart_status) VALUES
            (\(b), \(from.addingTimeInterval(3600)), '/dev/sda', 'WD Blue', 'warning'),
            (\(a), \(from.addingTimeInterval(3600)), '/dev/sdb', 'Samsung', 'healthy')
            """)
        try await api.sql(
            """
            INSERT INTO machine_inventory (machine_id, pending_updates, security_updates, reboot_required) VALUES
            (\(a), 4, 2, true), (\(b), 1, 0, false)
            """)
        return Seeded(client: client, admin: admin, from: from, to: to)
    }

    func iso(_ date: Date) -> String { date.formatted(.iso8601) }

    func pdfBytes(_ reply: APIHarness.Reply) -> [UInt8] { Array(reply.body.readableBytesView) }

    @Test func the_report_figures_come_from_the_seeded_rows_and_stay_within_the_tenant() async throws {
        try await APIHarness.run { api in
            let acme = try await seed(api, name: "Acme Rapports", licence: "essentials")
            let other = try await seed(api, name: "Other Corp", licence: "essentials")
            // More for the other client, which must not show in Acme's figures.
            let extra = try await api.seedMachine(client: other.client, hostname: "other-only")
            try await api.sql("UPDATE machines SET created_at = \(other.from.addingTimeInterval(-86_400)) WHERE id = \(extra)")

            let reply = try await api.send(.post, "/api/reports/generate", token: acme.admin, json: ["from": iso(acme.from), "to": iso(acme.to)])
            #expect(reply.status == .ok, "\(reply.text)")
            let json = reply.json
            #expect((json["client"] as? [String: Any])?["name"] as? String == "Acme Rapports")
            #expect(json["level"] as? String == "complete" && json["kind"] as? String == "custom")
            let summary = try #require(json["summary"] as? [String: Any])
            #expect(summary["machine_count"] as? Int == 2)
            #expect(summary["available_hours"] as? Int == 15 && summary["expected_hours"] as? Int == 20, "\(summary)")
            #expect(summary["availability_percent"] as? Double == 75)

            let alerts = try #require(json["alerts"] as? [String: Any])
            #expect(alerts["total"] as? Int == 3 && alerts["previous_total"] as? Int == 1, "\(alerts)")
            #expect(alerts["by_type"] as? [String: Int] == ["cpu": 2, "ram": 1])
            #expect(alerts["by_severity"] as? [String: Int] == ["critical": 2, "warning": 1])
            let incidents = try #require(json["incidents"] as? [[String: Any]])
            #expect(incidents.count == 3 && incidents.first?["hostname"] as? String == "srv-b" && incidents.first?["severity"] as? String == "critical")

            let resources = try #require(json["resources"] as? [String: [String: Double]])
            #expect(resources["cpu"] == ["average": 50, "previous": 20, "trend": 30], "\(resources)")
            #expect(resources["ram"] == ["average": 40, "previous": 30, "trend": 10])
            #expect(resources["disk"] == ["average": 80, "previous": 70, "trend": 10])

            let top = try #require(json["top_machines"] as? [[String: Any]])
            #expect(top.map { $0["hostname"] as? String } == ["srv-b", "srv-a"] && top.map { $0["alerts"] as? Int } == [2, 1])
            let smart = try #require(json["smart"] as? [String: Any])
            #expect(smart["warnings"] as? Int == 1 && (smart["disks"] as? [[String: Any]])?.first?["device"] as? String == "/dev/sda")
            #expect(json["patches"] as? [String: Int] == ["pending_updates": 5, "security_updates": 2, "machines_with_updates": 2, "reboot_required": 1])
            let health = try #require(json["health"] as? [String: Any])
            #expect(health["fleet_score"] as? Double == 60 && health["machines_below_50"] as? Int == 1 && health["lowest_score"] as? Int == 40)

            let codes = Set(((json["recommendations"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String })
            #expect(
                codes == [
                    "availability_low", "cpu_rising", "ram_rising", "disk_rising", "smart_failing", "security_updates", "reboot_required", "machines_unhealthy",
                ], "\(codes)")
            let charts = try #require(json["charts"] as? [String: Any])
            let points = try #require(charts["points"] as? [[String: Any]])
            #expect(
                charts["bucket_days"] as? Int == 1 && points.count == 1 && points.first?["availability_percent"] as? Double == 75
                    && points.first?["cpu_average"] as? Double == 50)

            // The other client sees its own three machines, never Acme's hosts.
            let theirs = try await api.send(.post, "/api/reports/generate", token: other.admin, json: ["from": iso(other.from), "to": iso(other.to)])
            #expect((theirs.json["summary"] as? [String: Any])?["machine_count"] as? Int == 3, "\(theirs.text)")
            #expect((theirs.json["alerts"] as? [String: Any])?["total"] as? Int == 3)
            #expect(!reply.text.contains("other-only") && !reply.text.contains("Other Corp"))

            // Sections chosen: only those, in report order.
            let chosen = try await api.send(
                .post, "/api/reports/generate", token: acme.admin, json: ["from": iso(acme.from), "to": iso(acme.to), "sections": ["patches", "summary"]])
            #expect(chosen.json["sections"] as? [String] == ["summary", "patches"], "\(chosen.text)")
            #expect(chosen.json["alerts"] == nil && chosen.json["recommendations"] == nil && chosen.json["patches"] != nil)

            // The rolling weekly report covers the seeded period too; observers read it.
            let observer = try await api.login(try await api.seedUser(client: acme.client, role: "observer").email).access
            let weekly = try await api.send(.get, "/api/reports/executive/weekly", token: observer)
            #expect(weekly.status == .ok && weekly.json["kind"] as? String == "weekly", "\(weekly.text)")
            #expect((weekly.json["alerts"] as? [String: Any])?["total"] as? Int == 4, "the 7 days hold the period's 3 alerts and the one before")
            #expect(try await api.send(.post, "/api/reports/generate", token: observer, json: ["from": iso(acme.from), "to": iso(acme.to)]).status == .ok)
        }
    }

    @Test func the_pdf_has_the_client_and_its_kpis_as_text() async throws {
        try await APIHarness.run { api in
            let acme = try await seed(api, name: "Acme Rapports", licence: "essentials")
            let reply = try await api.send(
                .post, "/api/reports/generate", token: acme.admin, json: ["from": iso(acme.from), "to": iso(acme.to), "format": "pdf"])
            #expect(reply.status == .ok, "\(reply.text.prefix(300))")
            #expect(reply.headers[.contentType] == "application/pdf")
            #expect(reply.headers[.contentDisposition]?.contains("custom-report-") == true && reply.headers[.contentDisposition]?.hasSuffix(".pdf\"") == true)
            let bytes = pdfBytes(reply)
            #expect(bytes.starts(with: Array("%PDF-".utf8)))
            let text = try await PDFProbe.text(bytes)
            #expect(text.contains("Acme Rapports"), "\(text.prefix(500))")
            #expect(text.contains("75,0 %"), "availability: \(text.prefix(800))")
            #expect(text.contains("50,0 %") && text.contains("+30,0 pts"), "average CPU and its trend")
            #expect(text.contains("Disponibilité") && text.contains("Recommandations") && text.contains("S.M.A.R.T."))
            #expect(text.contains("srv-b"))
            let info = try await PDFProbe.info(bytes)
            #expect(Int(info["Pages"] ?? "") ?? 0 >= 1, "\(info)")
            #expect(info["Title"] == "Rapport direction — Acme Rapports", "the information dictionary in PDFDocEncoding: \(info)")

            // The weekly report through Accept, the monthly through ?format=pdf.
            let weekly = try await api.send(.get, "/api/reports/executive/weekly", token: acme.admin, headers: [.accept: "application/pdf"])
            #expect(weekly.status == .ok && weekly.headers[.contentType] == "application/pdf")
            #expect(try await PDFProbe.text(pdfBytes(weekly)).contains("Rapport direction hebdomadaire"))
            let monthly = try await api.send(.get, "/api/reports/executive/monthly?format=pdf", token: acme.admin)
            #expect(monthly.status == .ok && monthly.headers[.contentType] == "application/pdf")
            #expect(try await PDFProbe.text(pdfBytes(monthly)).contains("Acme Rapports"))
            #expect(
                try await api.send(.get, "/api/reports/executive/monthly?format=json", token: acme.admin, headers: [.accept: "application/pdf"])
                    .headers[.contentType]?.hasPrefix("application/json") == true, "format wins over Accept")

            // In the client's language: English numbers and words.
            try await api.sql("UPDATE clients SET language = 'en' WHERE id = \(acme.client)")
            let english = try await api.send(
                .post, "/api/reports/generate", token: acme.admin, json: ["from": iso(acme.from), "to": iso(acme.to)], headers: [.accept: "application/pdf"])
            let englishText = try await PDFProbe.text(pdfBytes(english))
            #expect(
                englishText.contains("Executive report") && englishText.contains("Availability") && englishText.contains("75.0%"), "\(englishText.prefix(600))")
            #expect(englishText.contains("Recommendations") && !englishText.contains("Disponibilité"))
        }
    }

    @Test func starter_gets_the_simple_json_and_no_pdf() async throws {
        try await APIHarness.run { api in
            let starter = try await seed(api, name: "Petit Client", licence: "starter")
            let weekly = try await api.send(.get, "/api/reports/executive/weekly", token: starter.admin)
            #expect(weekly.status == .ok, "\(weekly.text)")
            #expect(weekly.json["level"] as? String == "simple")
            #expect(weekly.json["sections"] as? [String] == ["summary", "alerts", "resources", "charts"])
            #expect(weekly.json["recommendations"] == nil && weekly.json["health"] == nil && weekly.json["incidents"] == nil)
            let cpu = (weekly.json["resources"] as? [String: [String: Double]])?["cpu"]
            #expect(cpu?["average"] != nil && cpu?["trend"] == nil, "no trends below Essentials: \(String(describing: cpu))")
            #expect((weekly.json["alerts"] as? [String: Any])?["previous_total"] == nil)

            for (method, path, json, headers) in [
                (HTTPRequest.Method.get, "/api/reports/executive/weekly?format=pdf", nil, HTTPFields()),
                (.get, "/api/reports/executive/monthly", nil, [.accept: "application/pdf"]),
                (.post, "/api/reports/generate", ["from": iso(starter.from), "to": iso(starter.to), "format": "pdf"] as [String: Any]?, HTTPFields()),
                (
                    .post, "/api/reports/generate", ["from": iso(starter.from), "to": iso(starter.to), "sections": ["summary", "recommendations"]], HTTPFields()
                ),
            ] {
                let reply = try await api.send(method, path, token: starter.admin, json: json, headers: headers)
                #expect(reply.status == .forbidden && reply.code == "PREMIUM_REQUIRED", "\(path): \(reply.text)")
                #expect(reply.string("error")?.contains("Essentials") == true)
            }
            let simple = try await api.send(
                .post, "/api/reports/generate", token: starter.admin, json: ["from": iso(starter.from), "to": iso(starter.to), "sections": ["summary"]])
            #expect((simple.json["summary"] as? [String: Any])?["availability_percent"] as? Double == 75, "\(simple.text)")
        }
    }

    @Test func periods_sections_and_formats_are_bounded() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            try await api.sql("UPDATE clients SET license_type = 'pro' WHERE id = \(client)")
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let now = Date()
            let day = 86_400.0
            let refused: [[String: Any]] = [
                [:],
                ["from": iso(now.addingTimeInterval(-day))],
                ["from": "yesterday", "to": iso(now)],
                ["from": iso(now), "to": iso(now.addingTimeInterval(-day))],
                ["from": iso(now.addingTimeInterval(-day)), "to": iso(now.addingTimeInterval(-day))],
                ["from": iso(now.addingTimeInterval(-day)), "to": iso(now.addingTimeInterval(2 * day))],
                ["from": iso(now.addingTimeInterval(-367 * day)), "to": iso(now)],
                ["from": iso(now.addingTimeInterval(-day)), "to": iso(now), "sections": []],
                ["from": iso(now.addingTimeInterval(-day)), "to": iso(now), "sections": ["summary", "bogus"]],
                ["from": iso(now.addingTimeInterval(-day)), "to": iso(now), "format": "xml"],
                ["from": String(repeating: "9", count: 5000), "to": iso(now)],
                ["from": iso(now.addingTimeInterval(20)), "to": iso(now.addingTimeInterval(40))],
            ]
            for body in refused {
                let reply = try await api.send(.post, "/api/reports/generate", token: admin, json: body)
                #expect(reply.status == .badRequest && reply.code == "VALIDATION_ERROR", "\(body): \(reply.status) \(reply.text)")
            }
            #expect(try await api.send(.get, "/api/reports/executive/weekly?format=docx", token: admin).code == "VALIDATION_ERROR")
            let year = try await api.send(
                .post, "/api/reports/generate", token: admin, json: ["from": iso(now.addingTimeInterval(-366 * day)), "to": iso(now)])
            #expect(year.status == .ok, "366 days is allowed: \(year.text)")
            #expect((year.json["charts"] as? [String: Any])?["bucket_days"] as? Int == 7, "weekly points past 62 days")
            #expect(((year.json["charts"] as? [String: Any])?["points"] as? [Any])?.count == 53)
            #expect((year.json["summary"] as? [String: Any])?["machine_count"] as? Int == 0)
            #expect(((year.json["recommendations"] as? [[String: Any]]) ?? []).first?["code"] as? String == "no_machines")
            #expect(try await api.send(.get, "/api/reports/executive/weekly").status == .unauthorized)
        }
    }
}
