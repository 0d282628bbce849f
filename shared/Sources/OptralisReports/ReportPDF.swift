import Foundation
import OptralisPDF

/// An ``ExecutiveReport`` as a PDF (libharu): the title, client and period, the KPIs as tiles,
/// the charts drawn as vector paths (availability bars, CPU and RAM lines), then one block per
/// section. Text is real text (Helvetica, WinAnsi), so `pdftotext` reads it back; French or
/// English after the client's language.
public struct ReportPDF: Sendable {
    public let report: ExecutiveReport

    public init(report: ExecutiveReport) {
        self.report = report
    }

    static let accent = PDFColor(hex: 0xF97316)
    static let blue = PDFColor(hex: 0x3B82F6)
    static let green = PDFColor(hex: 0x22C55E)
    static let red = PDFColor(hex: 0xEF4444)
    static let amber = PDFColor(hex: 0xF59E0B)
    static let margin = 48.0

    /// `weekly-report-2026-11-30_2026-12-06.pdf`: the period's first and last days.
    public var fileName: String {
        let format = ReportFormat(language: report.language)
        return "\(report.kind.rawValue)-report-\(format.day(report.period.from))_\(format.day(report.period.to.addingTimeInterval(-1))).pdf"
    }

    public var title: String { Self.title(report.kind, language: report.language) }

    public static func title(_ kind: ExecutiveReportKind, language: String) -> String {
        let french = language != "en"
        switch kind {
        case .weekly: return french ? "Rapport direction hebdomadaire" : "Weekly executive report"
        case .monthly: return french ? "Rapport direction mensuel" : "Monthly executive report"
        case .quarterly: return french ? "Rapport trimestriel : analyse des tendances" : "Quarterly trend report"
        case .custom: return french ? "Rapport direction" : "Executive report"
        }
    }

    public func render() throws -> [UInt8] {
        let document = try PDFDocument(title: "\(title) — \(report.client.name)", author: "Optralis", subject: periodText)
        var writer = try Writer(document: document, french: report.language != "en")
        draw(&writer)
        return try document.bytes()
    }

    var format: ReportFormat { ReportFormat(language: report.language) }

    var periodText: String {
        let french = report.language != "en"
        // The period's end is exclusive: print its last day.
        let last = format.day(report.period.to.addingTimeInterval(-1))
        return french ? "Période du \(format.day(report.period.from)) au \(last) (UTC)" : "Period from \(format.day(report.period.from)) to \(last) (UTC)"
    }

    private func draw(_ w: inout Writer) {
        let fr = w.french
        w.page.fillRectangle(x: 0, y: PDFDocument.pageHeight - 8, width: PDFDocument.pageWidth, height: 8, color: Self.accent)
        w.line(title, size: 18, bold: true)
        w.line(report.client.name, size: 14, bold: true, color: Self.accent)
        w.line(periodText, size: 10, color: .grey)
        let level = report.level == .complete ? (fr ? "Rapport complet" : "Complete report") : (fr ? "Rapport simple" : "Simple report")
        w.line("\(level) · " + (fr ? "généré le " : "generated on ") + format.day(report.generatedAt), size: 9, color: .grey)
        w.space(10)

        var tiles: [(String, String, String?)] = []
        if let summary = report.summary {
            tiles.append((fr ? "Machines" : "Machines", "\(summary.machineCount)", nil))
            tiles.append((fr ? "Disponibilité" : "Availability", format.percent(summary.availabilityPercent), nil))
        }
        if let alerts = report.alerts {
            tiles.append((fr ? "Alertes" : "Alerts", "\(alerts.total)", alerts.previousTotal.map { (fr ? "précédente : " : "previous: ") + "\($0)" }))
        }
        if let health = report.health {
            tiles.append((fr ? "Score santé" : "Health score", health.fleetScore.map { format.number($0) + " / 100" } ?? "—", nil))
        }
        if let resources = report.resources {
            for (label, figure) in [("CPU", resources.cpu), ("RAM", resources.ram), (fr ? "Disque" : "Disk", resources.disk)] {
                tiles.append(((fr ? "\(label) moyen" : "Average \(label)"), format.percent(figure.average), figure.trend.map { format.points($0) }))
            }
        }
        if !tiles.isEmpty { w.tiles(tiles) }

        if let charts = report.charts, !charts.points.isEmpty {
            w.heading(fr ? "Graphiques" : "Charts")
            w.barChart(
                fr ? "Disponibilité (%) par \(charts.bucketDays == 1 ? "jour" : "semaine")" : "Availability (%) per \(charts.bucketDays == 1 ? "day" : "week")",
                values: charts.points.map(\.availabilityPercent), labels: charts.points.map { format.day($0.start) })
            w.lineChart(
                fr ? "CPU et RAM moyens (%)" : "Average CPU and RAM (%)",
                series: [("CPU", Self.blue, charts.points.map(\.cpuAverage)), ("RAM", Self.green, charts.points.map(\.ramAverage))],
                labels: charts.points.map { format.day($0.start) })
        }
        if let alerts = report.alerts {
            w.heading(fr ? "Alertes par type" : "Alerts by type")
            if alerts.byType.isEmpty { w.line(fr ? "Aucune alerte sur la période." : "No alert in the period.") }
            for (type, count) in alerts.byType.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                w.row([metricName(type), "\(count)"], widths: [200, 80])
            }
            if !alerts.bySeverity.isEmpty {
                let severities = alerts.bySeverity.sorted { $0.key < $1.key }.map { "\($0.key) : \($0.value)" }.joined(separator: " · ")
                w.line((fr ? "Par sévérité : " : "By severity: ") + severities, size: 9, color: .grey)
            }
        }
        if let incidents = report.incidents {
            w.heading(fr ? "Principaux incidents" : "Top incidents")
            if incidents.isEmpty { w.line(fr ? "Aucun incident." : "No incident.") }
            for incident in incidents {
                w.row(
                    [
                        incident.hostname,
                        "\(metricName(incident.metric)) \(format.number(incident.value)) (\(fr ? "seuil" : "threshold") \(format.number(incident.threshold)))",
                        incident.severity, format.day(incident.triggeredAt),
                    ], widths: [130, 200, 70, 80])
            }
        }
        if let top = report.topMachines {
            w.heading(fr ? "Machines avec le plus d'alertes" : "Machines with the most alerts")
            if top.isEmpty { w.line(fr ? "Aucune." : "None.") }
            for machine in top { w.row([machine.hostname, "\(machine.alerts)"], widths: [200, 80]) }
        }
        if let smart = report.smart {
            w.heading("S.M.A.R.T.")
            w.line(fr ? "\(smart.warnings) disque(s) en alerte sur la période." : "\(smart.warnings) disk(s) flagged in the period.")
            for disk in smart.disks {
                w.row([disk.hostname, disk.device, disk.model ?? "", disk.predictedFailure ? "predicted_failure" : disk.status], widths: [130, 100, 150, 100])
            }
        }
        if let patches = report.patches {
            w.heading(fr ? "Correctifs" : "Patches")
            w.row([fr ? "Mises à jour en attente" : "Pending updates", "\(patches.pendingUpdates)"], widths: [250, 80])
            w.row([fr ? "Dont sécurité" : "Of which security", "\(patches.securityUpdates)"], widths: [250, 80])
            w.row([fr ? "Machines concernées" : "Machines with updates", "\(patches.machinesWithUpdates)"], widths: [250, 80])
            w.row([fr ? "Redémarrages en attente" : "Reboots pending", "\(patches.rebootRequired)"], widths: [250, 80])
        }
        if let health = report.health {
            w.heading(fr ? "Santé du parc" : "Fleet health")
            w.row([fr ? "Score moyen" : "Average score", health.fleetScore.map(format.number) ?? "—"], widths: [250, 80])
            w.row([fr ? "Machines notées" : "Scored machines", "\(health.scoredMachines)"], widths: [250, 80])
            w.row([fr ? "Machines sous 50" : "Machines below 50", "\(health.machinesBelow50)"], widths: [250, 80])
        }
        if let recommendations = report.recommendations {
            w.heading(fr ? "Recommandations" : "Recommendations")
            for recommendation in recommendations {
                let color = recommendation.severity == "critical" ? Self.red : recommendation.severity == "warning" ? Self.amber : Self.blue
                w.paragraph("• " + recommendation.text, bullet: color)
            }
        }
    }

    func metricName(_ metric: String) -> String {
        let fr = report.language != "en"
        switch metric {
        case "cpu": return "CPU"
        case "ram": return fr ? "Mémoire" : "Memory"
        case "disk": return fr ? "Disque" : "Disk"
        case "temperature": return fr ? "Température" : "Temperature"
        case "offline_minutes": return fr ? "Hors ligne" : "Offline"
        default: return metric
        }
    }
}

/// A cursor down the pages: a new page when the next block does not fit.
private struct Writer {
    let document: PDFDocument
    let french: Bool
    var page: PDFPage
    var y: Double
    let left = ReportPDF.margin
    let right = PDFDocument.pageWidth - ReportPDF.margin

    init(document: PDFDocument, french: Bool) throws {
        self.document = document
        self.french = french
        page = try document.addPage()
        y = PDFDocument.pageHeight - ReportPDF.margin
    }

    /// Starts a new page unless `height` points still fit above the bottom margin. A page that
    /// libharu cannot add leaves the cursor where it is; ``PDFDocument/bytes()`` then throws.
    mutating func ensure(_ height: Double) {
        guard y - height < ReportPDF.margin, let next = try? document.addPage() else { return }
        page = next
        y = PDFDocument.pageHeight - ReportPDF.margin
    }

    mutating func space(_ height: Double) { y -= height }

    mutating func line(_ text: String, size: Double = 10, bold: Bool = false, color: PDFColor = .black) {
        ensure(size + 4)
        y -= size + 4
        page.text(fitted(text, width: right - left, size: size, bold: bold), x: left, y: y, size: size, bold: bold, color: color)
    }

    mutating func heading(_ text: String) {
        ensure(60)
        y -= 14
        line(text, size: 13, bold: true)
        page.line(from: (left, y - 4), to: (right, y - 4), lineWidth: 0.5, color: .lightGrey)
        y -= 8
    }

    mutating func row(_ cells: [String], widths: [Double]) {
        ensure(15)
        y -= 14
        var x = left
        for (cell, width) in zip(cells, widths) {
            page.text(fitted(cell, width: width - 6, size: 9.5), x: x, y: y, size: 9.5)
            x += width
        }
    }

    /// Word-wrapped text, a coloured square before the first line.
    mutating func paragraph(_ text: String, bullet: PDFColor) {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if page.width(of: candidate, size: 10) > right - left - 12, !current.isEmpty {
                lines.append(current)
                current = String(word)
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { lines.append(current) }
        for (index, text) in lines.enumerated() {
            ensure(14)
            y -= 14
            if index == 0 { page.fillRectangle(x: left, y: y, width: 6, height: 6, color: bullet) }
            page.text(index == 0 ? String(text.dropFirst(2)) : text, x: left + 12, y: y, size: 10)
        }
        y -= 4
    }

    /// Up to four tiles a row: a label, a value, an optional note (the trend).
    mutating func tiles(_ tiles: [(label: String, value: String, note: String?)]) {
        let gap = 10.0, height = 54.0
        let width = (right - left - 3 * gap) / 4
        for start in stride(from: 0, to: tiles.count, by: 4) {
            ensure(height + gap)
            y -= height
            for (offset, tile) in tiles[start..<min(start + 4, tiles.count)].enumerated() {
                let x = left + Double(offset) * (width + gap)
                page.fillRectangle(x: x, y: y, width: width, height: height, color: PDFColor(hex: 0xF3F4F6))
                page.fillRectangle(x: x, y: y, width: 3, height: height, color: ReportPDF.accent)
                page.text(fitted(tile.label, width: width - 14, size: 8.5), x: x + 9, y: y + height - 14, size: 8.5, color: .grey)
                page.text(fitted(tile.value, width: width - 14, size: 15), x: x + 9, y: y + 18, size: 15, bold: true)
                if let note = tile.note { page.text(fitted(note, width: width - 14, size: 8), x: x + 9, y: y + 6, size: 8, color: .grey) }
            }
            y -= gap
        }
    }

    /// Vertical bars on a 0–100 scale; a missing value draws no bar.
    mutating func barChart(_ title: String, values: [Double?], labels: [String]) {
        let (bottom, slot) = frame(title, points: values.count, labels: labels, below: 40)
        for (index, value) in values.enumerated() {
            guard let value else { continue }
            let barHeight = max(0.5, min(100, value) / 100 * Self.chartHeight)
            let color = value >= 99 ? ReportPDF.green : value >= 95 ? ReportPDF.amber : ReportPDF.red
            page.fillRectangle(x: left + 30 + Double(index) * slot + slot * 0.15, y: bottom, width: slot * 0.7, height: barHeight, color: color)
        }
        y = bottom - 22
    }

    /// One line per series on a 0–100 scale, broken where a value is missing, and a legend.
    mutating func lineChart(_ title: String, series: [(name: String, color: PDFColor, values: [Double?])], labels: [String]) {
        let (bottom, slot) = frame(title, points: series.first?.values.count ?? 0, labels: labels, below: 52)
        for item in series {
            var run: [(x: Double, y: Double)] = []
            for (index, value) in item.values.enumerated() {
                guard let value else {
                    page.polyline(run, lineWidth: 1.5, color: item.color)
                    run = []
                    continue
                }
                run.append((left + 30 + Double(index) * slot + slot / 2, bottom + min(100, max(0, value)) / 100 * Self.chartHeight))
            }
            if run.count == 1, let point = run.first {
                page.fillRectangle(x: point.x - 2, y: point.y - 2, width: 4, height: 4, color: item.color)
            }
            page.polyline(run, lineWidth: 1.5, color: item.color)
        }
        y = bottom - 22
        var x = left + 30
        for item in series {
            page.fillRectangle(x: x, y: y + 2, width: 10, height: 4, color: item.color)
            page.text(item.name, x: x + 14, y: y, size: 8.5)
            x += 60
        }
        y -= 10
    }

    static let chartHeight = 110.0

    /// A chart's title and frame, on a new page unless it fits with `below` points under it: its
    /// bottom and the width each point gets.
    private mutating func frame(_ title: String, points: Int, labels: [String], below: Double) -> (bottom: Double, slot: Double) {
        ensure(Self.chartHeight + below)
        line(title, size: 10, bold: true)
        y -= 6
        let bottom = y - Self.chartHeight
        axes(bottom: bottom, height: Self.chartHeight, labels: labels)
        return (bottom, (right - left - 30) / Double(max(points, 1)))
    }

    /// The frame of a chart: gridlines at 0, 50 and 100 and the first and last labels.
    private func axes(bottom: Double, height: Double, labels: [String]) {
        for mark in [0.0, 50, 100] {
            let at = bottom + mark / 100 * height
            page.line(from: (left + 30, at), to: (right, at), lineWidth: 0.4, color: .lightGrey)
            page.text("\(Int(mark))", x: left, y: at - 3, size: 7.5, color: .grey)
        }
        if let first = labels.first { page.text(first, x: left + 30, y: bottom - 12, size: 7.5, color: .grey) }
        if labels.count > 1, let last = labels.last {
            page.text(last, x: right - page.width(of: last, size: 7.5), y: bottom - 12, size: 7.5, color: .grey)
        }
    }

    /// The text, cut with an ellipsis to fit `width`.
    func fitted(_ text: String, width: Double, size: Double, bold: Bool = false) -> String {
        guard page.width(of: text, size: size, bold: bold) > width else { return text }
        var cut = text
        while !cut.isEmpty, page.width(of: cut + "…", size: size, bold: bold) > width { cut.removeLast() }
        return cut + "…"
    }
}
