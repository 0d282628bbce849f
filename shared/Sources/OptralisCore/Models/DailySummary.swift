#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The spec's "Synthèse Quotidienne (Tous plans)" of one client: its machines in alert, the
/// fleet's health score, the top 5 incidents of the last 24 hours and the 24-hour CPU, RAM and
/// disk trend. `GET /api/reports/summary/daily` answers it as JSON; the scheduler puts the same
/// JSON in the `daily_summary` email job, which the notifier lays out (docs/daily-summary.md).
public struct DailySummary: Codable, Sendable, Equatable {
    /// Machines listed in ``machinesInAlert`` at most; ``machinesInAlertCount`` counts them all.
    public static let listedMachines = 50
    public static let topIncidents = 5
    /// A health score below this is a machine in alert (the health score's `critical` risk).
    public static let lowHealthScore = 50

    public var clientID: UUID
    public var clientName: String
    public var generatedAt: Date
    /// The 24 hours the alerts and incidents are counted over: (`periodStart`, `periodEnd`].
    public var periodStart: Date
    public var periodEnd: Date
    public var machines: Machines
    public var health: Health
    public var machinesInAlertCount: Int
    public var machinesInAlert: [MachineInAlert]
    public var topIncidents: [Incident]
    public var trend: Trend

    public init(
        clientID: UUID, clientName: String, generatedAt: Date, periodStart: Date, periodEnd: Date, machines: Machines, health: Health,
        machinesInAlertCount: Int, machinesInAlert: [MachineInAlert], topIncidents: [Incident], trend: Trend
    ) {
        self.clientID = clientID
        self.clientName = clientName
        self.generatedAt = generatedAt
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.machines = machines
        self.health = health
        self.machinesInAlertCount = machinesInAlertCount
        self.machinesInAlert = machinesInAlert
        self.topIncidents = topIncidents
        self.trend = trend
    }

    enum CodingKeys: String, CodingKey {
        case machines, health, trend
        case clientID = "client_id", clientName = "client_name", generatedAt = "generated_at", periodStart = "period_start", periodEnd = "period_end"
        case machinesInAlertCount = "machines_in_alert_count", machinesInAlert = "machines_in_alert", topIncidents = "top_incidents"
    }

    /// The fleet's size now.
    public struct Machines: Codable, Sendable, Equatable {
        public var total: Int
        public var online: Int
        public var offline: Int
        public var maintenance: Int

        public init(total: Int, online: Int, offline: Int, maintenance: Int) {
            (self.total, self.online, self.offline, self.maintenance) = (total, online, offline, maintenance)
        }
    }

    /// The mean of the machines' automatic health scores (migration 0010), one decimal; machines
    /// without a score are left out, and with none the average is nil.
    public struct Health: Codable, Sendable, Equatable {
        public var averageScore: Double?
        public var scoredMachines: Int
        public var lowestScore: Int?

        public init(averageScore: Double?, scoredMachines: Int, lowestScore: Int?) {
            (self.averageScore, self.scoredMachines, self.lowestScore) = (averageScore, scoredMachines, lowestScore)
        }

        enum CodingKeys: String, CodingKey {
            case averageScore = "average_score", scoredMachines = "scored_machines", lowestScore = "lowest_score"
        }
    }

    /// Why a machine is in alert.
    public enum Reason: String, Codable, Sendable, CaseIterable {
        /// Not seen for 5 minutes, and not in maintenance.
        case offline
        /// An alert rule fired for it in the last 24 hours.
        case alertRule = "alert_rule"
        /// A disk whose S.M.A.R.T. status is failing (`smart_alerts`).
        case diskFailing = "disk_failing"
        /// A health score below ``DailySummary/lowHealthScore``.
        case lowHealthScore = "low_health_score"
    }

    public struct MachineInAlert: Codable, Sendable, Equatable {
        public var machineID: UUID
        public var hostname: String
        /// `critical` (offline, a critical alert, a critical or predicted disk failure, a score
        /// below 50) or `warning`.
        public var severity: String
        public var reasons: [Reason]
        public var alerts24h: Int
        public var healthScore: Int?
        public var lastSeen: Date?

        public init(machineID: UUID, hostname: String, severity: String, reasons: [Reason], alerts24h: Int, healthScore: Int?, lastSeen: Date?) {
            self.machineID = machineID
            self.hostname = hostname
            self.severity = severity
            self.reasons = reasons
            self.alerts24h = alerts24h
            self.healthScore = healthScore
            self.lastSeen = lastSeen
        }

        enum CodingKeys: String, CodingKey {
            case hostname, severity, reasons
            case machineID = "machine_id", alerts24h = "alerts_24h", healthScore = "health_score", lastSeen = "last_seen"
        }
    }

    /// One kind of alert and how often it happened over the 24 hours: an alert rule (by name,
    /// metric and severity), machines going offline, or failing disks.
    public struct Incident: Codable, Sendable, Equatable {
        /// `alert_rule`, `machine_offline` or `disk_failing`.
        public var kind: String
        /// The rule's name (alert rules only).
        public var name: String?
        /// The rule's metric (alert rules only).
        public var metric: String?
        public var severity: String
        public var count: Int
        public var machines: Int
        public var lastAt: Date

        public init(kind: String, name: String?, metric: String?, severity: String, count: Int, machines: Int, lastAt: Date) {
            self.kind = kind
            self.name = name
            self.metric = metric
            self.severity = severity
            self.count = count
            self.machines = machines
            self.lastAt = lastAt
        }

        enum CodingKeys: String, CodingKey {
            case kind, name, metric, severity, count, machines
            case lastAt = "last_at"
        }
    }

    /// The fleet's mean CPU, RAM and disk use (percent) over the last 24 complete UTC hours and
    /// the 24 before, from the hourly roll-ups, weighted by their sample counts.
    public struct Trend: Codable, Sendable, Equatable {
        public var currentStart: Date
        public var previousStart: Date
        public var end: Date
        public var cpu: Change
        public var ram: Change
        public var disk: Change

        public init(currentStart: Date, previousStart: Date, end: Date, cpu: Change, ram: Change, disk: Change) {
            (self.currentStart, self.previousStart, self.end, self.cpu, self.ram, self.disk) = (currentStart, previousStart, end, cpu, ram, disk)
        }

        enum CodingKeys: String, CodingKey {
            case end, cpu, ram, disk
            case currentStart = "current_start", previousStart = "previous_start"
        }
    }

    /// Two means (one decimal) and the difference in points; nil where there was no sample.
    public struct Change: Codable, Sendable, Equatable {
        public var current: Double?
        public var previous: Double?
        public var change: Double?

        public init(current: Double?, previous: Double?) {
            self.current = current.map(Self.rounded)
            self.previous = previous.map(Self.rounded)
            if let current = self.current, let previous = self.previous { change = Self.rounded(current - previous) } else { change = nil }
        }

        static func rounded(_ value: Double) -> Double { value.isFinite ? (value * 10).rounded() / 10 : 0 }
    }
}
