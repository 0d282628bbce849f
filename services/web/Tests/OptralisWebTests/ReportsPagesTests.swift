import Foundation
import OptralisTestSupport
import Testing

@Suite("Executive reports page")
struct ReportsPagesTests {
    @Test func the_page_shows_the_weeks_figures_and_hands_over_the_pdfs_from_essentials() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient("Rapports Web")
            try await web.sql("UPDATE clients SET license_type = 'essentials' WHERE id = \(client)")
            let admin = try await web.seedUser(client: client)
            // One machine created 3 days ago that sent every hour since: 100 % available, CPU 42.
            try await web.sql(
                """
                WITH m AS (INSERT INTO machines (client_id, hostname, created_at) VALUES (\(client), 'web-srv', date_trunc('hour', now()) - INTERVAL '3 days') RETURNING id)
                INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, ram_avg, sample_count)
                SELECT m.id, date_trunc('hour', now()) - hour * INTERVAL '1 hour', 42, 50, 60 FROM m, generate_series(1, 72) AS hour
                """)
            let browser = WebHarness.Browser()
            #expect(try await web.logIn(admin, as: browser).location == "/")
            let page = try await web.get("/reports", as: browser)
            #expect(page.status == .ok, "\(page.text.prefix(500))")
            #expect(page.text.contains("aria-current=\"page\"><span aria-hidden=\"true\">▥</span> Reports"))
            #expect(page.text.contains("<span class=\"value\">100.0 %</span><span class=\"label\">Availability</span>"), "\(page.text.prefix(4000))")
            #expect(page.text.contains("<span class=\"value\">42.0 %</span><span class=\"label\">Average CPU</span>"))
            #expect(
                page.text.contains("Recommendations") && page.text.contains("href=\"/reports/weekly.pdf\"")
                    && page.text.contains("href=\"/reports/monthly.pdf\""))

            for kind in ["weekly", "monthly"] {
                let pdf = try await web.get("/reports/\(kind).pdf", as: browser)
                #expect(pdf.status == .ok && pdf.headers[.contentType] == "application/pdf", "\(kind): \(pdf.status)")
                #expect(pdf.headers[.contentDisposition]?.contains("\(kind)-report-") == true)
                let text = try await PDFProbe.text(pdf.bytes)
                #expect(text.contains("Rapports Web") && text.contains("100,0 %"), "\(text.prefix(400))")
            }
        }
    }

    @Test func below_essentials_the_page_says_the_pdf_needs_essentials() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            try await web.sql("UPDATE clients SET license_type = 'starter' WHERE id = \(client)")
            let browser = WebHarness.Browser()
            #expect(try await web.logIn(try await web.seedUser(client: client, role: "observer"), as: browser).location == "/")
            let page = try await web.get("/reports", as: browser)
            #expect(page.status == .ok && page.text.contains("need the Essentials licence or above"), "\(page.text.prefix(3000))")
            #expect(!page.text.contains("/reports/weekly.pdf") && !page.text.contains("Recommendations"))
            let refused = try await web.get("/reports/weekly.pdf", as: browser)
            #expect(refused.status == .forbidden && refused.headers[.contentType]?.hasPrefix("text/html") == true)
        }
    }
}
