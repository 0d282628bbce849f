import Foundation

/// Everything a report shows, computed before rendering ("/ai/reports/generate"): the fleet's
/// figures over the period, its health day by day, its machines, the issues found and the
/// narrative. ``ReportHTML`` turns it into one self-contained page.
public struct ReportDocument: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case daily, weekly, monthly }
    /// Executive: figures, trend, issues and recommendations. Technical: also every machine.
    public enum Format: String, Sendable, CaseIterable { case executive, technical }

    public struct Machine: Sendable, Equatable {
        public var hostname: String
        public var healthScore: Int?
        /// Health change over the period, in points (negative: worse).
        public var healthChange: Int?
        public var cpuP95: Double?
        public var ramP95: Double?
        /// The fullest volume, percent.
        public var diskPercent: Double?
        public var issues: Int
        public var online: Bool

        public init(
            hostname: String, healthScore: Int?, healthChange: Int? = nil, cpuP95: Double? = nil, ramP95: Double? = nil, diskPercent: Double? = nil,
            issues: Int = 0, online: Bool = true
        ) {
            self.hostname = hostname
            self.healthScore = healthScore
            self.healthChange = healthChange
            self.cpuP95 = cpuP95
            self.ramP95 = ramP95
            self.diskPercent = diskPercent
            self.issues = issues
            self.online = online
        }
    }

    public struct Issue: Sendable, Equatable {
        public enum Severity: String, Sendable { case critical, warning, info }
        public var severity: Severity
        public var hostname: String?
        public var text: String

        public init(severity: Severity, hostname: String?, text: String) {
            self.severity = severity
            self.hostname = hostname
            self.text = text
        }
    }

    public struct DayScore: Sendable, Equatable {
        public var day: Date
        public var score: Double

        public init(day: Date, score: Double) {
            self.day = day
            self.score = score
        }
    }

    public var kind: Kind
    public var format: Format
    /// `fr` or `en`.
    public var language: String
    public var clientName: String
    public var periodStart: Date
    public var periodEnd: Date
    public var generatedAt: Date
    public var machines: [Machine]
    /// Average fleet health per day of the period.
    public var healthByDay: [DayScore]
    public var alerts: Int
    public var issues: [Issue]
    public var recommendations: [String]
    /// Claude's summary; nil when the narrative is unavailable, with the reason to show.
    public var narrative: String?
    public var narrativeUnavailableReason: String?

    public init(
        kind: Kind, format: Format, language: String, clientName: String, periodStart: Date, periodEnd: Date, generatedAt: Date = Date(),
        machines: [Machine], healthByDay: [DayScore], alerts: Int, issues: [Issue], recommendations: [String],
        narrative: String?, narrativeUnavailableReason: String? = nil
    ) {
        self.kind = kind
        self.format = format
        self.language = language
        self.clientName = clientName
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.generatedAt = generatedAt
        self.machines = machines
        self.healthByDay = healthByDay
        self.alerts = alerts
        self.issues = issues
        self.recommendations = recommendations
        self.narrative = narrative
        self.narrativeUnavailableReason = narrativeUnavailableReason
    }

    /// Machines with a score, and their mean.
    public var averageHealth: Double? {
        let scores = machines.compactMap(\.healthScore)
        return scores.isEmpty ? nil : Double(scores.reduce(0, +)) / Double(scores.count)
    }
}
