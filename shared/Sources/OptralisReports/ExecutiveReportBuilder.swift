import Foundation

/// Builds an ``ExecutiveReport`` from the store's figures. Availability counts whole hours: a
/// machine is expected from the hour after its creation (or the period's first whole hour) to the
/// last completed hour of the period (the roll-up of the current hour is not written yet).
public struct ExecutiveReportBuilder: Sendable {
    public let store: ExecutiveReportStore

    public init(store: ExecutiveReportStore) {
        self.store = store
    }

    /// nil when the client does not exist. `sections` nil: every section of the client's level;
    /// sections above the level are dropped (the api refuses them before).
    public func build(
        clientID: UUID, kind: ExecutiveReportKind, period: ReportPeriod, sections requested: [ExecutiveSection]? = nil, now: Date = Date()
    ) async throws -> ExecutiveReport? {
        guard let info = try await store.clientInfo(clientID) else { return nil }
        let level = ExecutiveReportLevel(tierLevel: info.tierLevel)
        let sections = ExecutiveSection.allCases.filter { section in
            (requested ?? ExecutiveSection.defaults(for: level)).contains(section) && (level == .complete || !section.needsCompleteLevel)
        }
        var report = ExecutiveReport(
            client: .init(id: clientID, name: info.name), kind: kind, level: level, language: info.language, period: period,
            previousPeriod: period.previous, generatedAt: now, sections: sections)
        let (from, to) = (period.from, period.to)
        let wants = Set(sections)

        if wants.contains(.summary) || wants.contains(.charts) || wants.contains(.recommendations) {
            let machines = try await store.machines(clientID, before: to)
            let window = Self.hourWindow(period, now: now)
            if wants.contains(.summary) || wants.contains(.recommendations) {
                let available = try await store.availableHours(clientID, from: window.from, to: window.to)
                var expected = 0, got = 0
                for machine in machines {
                    let hours = Self.expectedHours(machine.createdAt, window.from, window.to)
                    expected += hours
                    got += min(available[machine.id] ?? 0, hours)
                }
                report.summary = .init(
                    machineCount: machines.count, availabilityPercent: expected > 0 ? Self.round(Double(got) / Double(expected) * 100) : nil,
                    availableHours: got, expectedHours: expected)
            }
            if wants.contains(.charts) {
                report.charts = try await charts(clientID, machines: machines, period: period, window: window)
            }
        }
        if wants.contains(.alerts) || wants.contains(.recommendations) {
            let (rows, previous) = try await store.alerts(clientID, earlier: period.previous.from, from: from, to: to)
            var byType: [String: Int] = [:], bySeverity: [String: Int] = [:]
            for row in rows {
                byType[row.metric, default: 0] += row.count
                bySeverity[row.severity, default: 0] += row.count
            }
            report.alerts = .init(
                total: rows.reduce(0) { $0 + $1.count }, previousTotal: level == .complete ? previous : nil, byType: byType, bySeverity: bySeverity)
        }
        if wants.contains(.incidents) { report.incidents = try await store.incidents(clientID, from: from, to: to, limit: 5) }
        if wants.contains(.resources) || wants.contains(.recommendations) {
            let averages = try await store.averages(clientID, period: (from, to), previous: (period.previous.from, from))
            func figure(_ pair: (Double?, Double?)) -> ExecutiveReport.Figure {
                guard level == .complete else { return .init(average: pair.0.map(Self.round)) }
                let trend = pair.0.flatMap { current in pair.1.map { Self.round(current - $0) } }
                return .init(average: pair.0.map(Self.round), previous: pair.1.map(Self.round), trend: trend)
            }
            report.resources = .init(cpu: figure(averages.cpu), ram: figure(averages.ram), disk: figure(averages.disk))
        }
        if wants.contains(.topMachines) || wants.contains(.recommendations) {
            report.topMachines = try await store.topMachines(clientID, from: from, to: to, limit: 5)
        }
        if wants.contains(.smart) || wants.contains(.recommendations) {
            let disks = try await store.failingDisks(clientID, from: from, to: to)
            report.smart = .init(warnings: disks.count, disks: Array(disks.prefix(20)))
        }
        if wants.contains(.patches) || wants.contains(.recommendations) { report.patches = try await store.patches(clientID) }
        if wants.contains(.health) || wants.contains(.recommendations) { report.health = try await store.health(clientID) }
        if wants.contains(.recommendations) { report.recommendations = ExecutiveRecommendation.rules(for: report) }
        // Figures fetched only for the recommendations are not sections of this report.
        if !wants.contains(.summary) { report.summary = nil }
        if !wants.contains(.alerts) { report.alerts = nil }
        if !wants.contains(.resources) { report.resources = nil }
        if !wants.contains(.topMachines) { report.topMachines = nil }
        if !wants.contains(.smart) { report.smart = nil }
        if !wants.contains(.patches) { report.patches = nil }
        if !wants.contains(.health) { report.health = nil }
        return report
    }

    private func charts(_ clientID: UUID, machines: [ExecutiveReportStore.Machine], period: ReportPeriod, window: (from: Date, to: Date)) async throws
        -> ExecutiveReport.Charts
    {
        let days = period.to.timeIntervalSince(period.from) / 86_400
        let bucketDays = days > 62 ? 7 : 1
        let width = Double(bucketDays * 86_400)
        let count = max(1, Int((period.to.timeIntervalSince(period.from) / width).rounded(.up)))
        let rows = try await store.chartRows(clientID, from: period.from, to: window.to, bucketSeconds: bucketDays * 86_400)
        var byBucket: [Int: ExecutiveReportStore.ChartRow] = [:]
        for row in rows { byBucket[row.bucket] = row }
        var points: [ExecutiveReport.Charts.Point] = []
        for index in 0..<count {
            let start = period.from.addingTimeInterval(Double(index) * width)
            let end = min(period.to, start.addingTimeInterval(width))
            // The bucket's share of the whole-hour window.
            let from = max(window.from, start), to = min(window.to, Self.ceilHour(end))
            let expected = machines.reduce(0) { $0 + Self.expectedHours($1.createdAt, from, to) }
            let row = byBucket[index]
            points.append(
                .init(
                    start: start,
                    availabilityPercent: expected > 0 ? Self.round(Double(min(row?.availableHours ?? 0, expected)) / Double(expected) * 100) : nil,
                    cpuAverage: row?.cpu.map(Self.round), ramAverage: row?.ram.map(Self.round)))
        }
        return .init(bucketDays: bucketDays, points: points)
    }

    /// Whole hours of the period that have ended by `now`: from the period's first hour boundary
    /// to the last one before its end and before now.
    static func hourWindow(_ period: ReportPeriod, now: Date) -> (from: Date, to: Date) {
        let from = ceilHour(period.from)
        let to = max(from, min(floorHour(period.to), floorHour(now)))
        return (from, to)
    }

    /// The hours in `[from, to)` starting at or after the machine's creation hour.
    static func expectedHours(_ createdAt: Date, _ from: Date, _ to: Date) -> Int {
        let start = max(from, floorHour(createdAt))
        guard to > start else { return 0 }
        return Int((to.timeIntervalSince(start) / 3600).rounded(.up))
    }

    static func floorHour(_ date: Date) -> Date { Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 3600).rounded(.down) * 3600) }
    static func ceilHour(_ date: Date) -> Date { Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 3600).rounded(.up) * 3600) }
    static func round(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
