import Foundation

/// An executive report ("Rapports Direction"): one client's fleet over a period, section by
/// section. A section not asked for (or above the client's level) is absent from the JSON.
/// Figures come from the hourly roll-ups the scheduler keeps (`metrics_hourly`, `disk_hourly`),
/// the alert-rule history, the S.M.A.R.T. reports, the inventory's patches and the automatic
/// health score; docs/reports.md says which figure comes from where.
public struct ExecutiveReport: Encodable, Sendable {
    public var client: ClientRef
    public var kind: ExecutiveReportKind
    public var level: ExecutiveReportLevel
    public var language: String
    public var period: ReportPeriod
    public var previousPeriod: ReportPeriod
    public var generatedAt: Date
    public var sections: [ExecutiveSection]

    public var summary: Summary?
    public var alerts: Alerts?
    public var incidents: [Incident]?
    public var resources: Resources?
    public var topMachines: [MachineAlerts]?
    public var smart: SMART?
    public var patches: Patches?
    public var health: Health?
    public var recommendations: [ExecutiveRecommendation]?
    public var charts: Charts?

    public struct ClientRef: Encodable, Sendable {
        public var id: UUID
        public var name: String
    }

    /// Machine count and availability: the share of the machines' hours in the period (from
    /// their creation, up to the last completed hour) in which they sent at least one metric.
    public struct Summary: Encodable, Sendable {
        public var machineCount: Int
        public var availabilityPercent: Double?
        public var availableHours: Int
        public var expectedHours: Int

        enum CodingKeys: String, CodingKey {
            case machineCount = "machine_count", availabilityPercent = "availability_percent", availableHours = "available_hours",
                expectedHours = "expected_hours"
        }
    }

    /// Alert-rule firings in the period, by metric and by severity, and in the previous period.
    public struct Alerts: Encodable, Sendable {
        public var total: Int
        public var previousTotal: Int?
        public var byType: [String: Int]
        public var bySeverity: [String: Int]

        enum CodingKeys: String, CodingKey {
            case total, previousTotal = "previous_total", byType = "by_type", bySeverity = "by_severity"
        }
    }

    public struct Incident: Encodable, Sendable {
        public var hostname: String
        public var rule: String
        public var metric: String
        public var severity: String
        public var value: Double
        public var threshold: Double
        public var triggeredAt: Date
        public var resolvedAt: Date?

        enum CodingKeys: String, CodingKey {
            case hostname, rule, metric, severity, value, threshold, triggeredAt = "triggered_at", resolvedAt = "resolved_at"
        }
    }

    /// Averages (percent) over the period; with the complete level, the previous period's and
    /// the trend (`average - previous`, in points).
    public struct Figure: Encodable, Sendable {
        public var average: Double?
        public var previous: Double?
        public var trend: Double?
    }

    public struct Resources: Encodable, Sendable {
        public var cpu: Figure
        public var ram: Figure
        public var disk: Figure
    }

    public struct MachineAlerts: Encodable, Sendable {
        public var hostname: String
        public var alerts: Int
    }

    /// Disks reported warning, critical or predicting their failure during the period (their
    /// latest such report).
    public struct SMART: Encodable, Sendable {
        public var warnings: Int
        public var disks: [Disk]

        public struct Disk: Encodable, Sendable {
            public var hostname: String
            public var device: String
            public var model: String?
            public var status: String
            public var predictedFailure: Bool

            enum CodingKeys: String, CodingKey {
                case hostname, device, model, status, predictedFailure = "predicted_failure"
            }
        }
    }

    /// The inventory's latest patch state (a snapshot, not a figure of the period).
    public struct Patches: Encodable, Sendable {
        public var pendingUpdates: Int
        public var securityUpdates: Int
        public var machinesWithUpdates: Int
        public var rebootRequired: Int

        enum CodingKeys: String, CodingKey {
            case pendingUpdates = "pending_updates", securityUpdates = "security_updates", machinesWithUpdates = "machines_with_updates",
                rebootRequired = "reboot_required"
        }
    }

    /// The automatic health score (migration 0010): the mean of the scored machines, now.
    public struct Health: Encodable, Sendable {
        public var fleetScore: Double?
        public var scoredMachines: Int
        public var machinesBelow50: Int
        public var lowestScore: Int?

        enum CodingKeys: String, CodingKey {
            case fleetScore = "fleet_score", scoredMachines = "scored_machines", machinesBelow50 = "machines_below_50", lowestScore = "lowest_score"
        }
    }

    /// One point per day (one per week past 62 days) from the period's start.
    public struct Charts: Encodable, Sendable {
        public var bucketDays: Int
        public var points: [Point]

        public struct Point: Encodable, Sendable {
            public var start: Date
            public var availabilityPercent: Double?
            public var cpuAverage: Double?
            public var ramAverage: Double?

            enum CodingKeys: String, CodingKey {
                case start, availabilityPercent = "availability_percent", cpuAverage = "cpu_average", ramAverage = "ram_average"
            }
        }

        enum CodingKeys: String, CodingKey {
            case bucketDays = "bucket_days", points
        }
    }

    enum CodingKeys: String, CodingKey {
        case client, kind, level, language, period, sections, summary, alerts, incidents, resources, smart, patches, health, recommendations, charts
        case previousPeriod = "previous_period", generatedAt = "generated_at", topMachines = "top_machines"
    }
}

/// Which report: the two of `GET /api/reports/executive/*`, the scheduled quarterly one, or a
/// period chosen in `POST /api/reports/generate`.
public enum ExecutiveReportKind: String, Encodable, Sendable {
    case weekly, monthly, quarterly, custom
}

/// The spec's two contents: `simple` (Starter: base figures and charts) and `complete`
/// (Essentials and above: KPIs, trends, recommendations).
public enum ExecutiveReportLevel: String, Encodable, Sendable {
    case simple, complete

    /// Essentials is tier 2 (`license_types.tier_level`).
    public init(tierLevel: Int) {
        self = tierLevel >= 2 ? .complete : .simple
    }
}

/// `[from, to)`.
public struct ReportPeriod: Encodable, Sendable, Equatable {
    public var from: Date
    public var to: Date

    public init(from: Date, to: Date) {
        (self.from, self.to) = (from, to)
    }

    /// The period of the same length just before.
    public var previous: ReportPeriod { ReportPeriod(from: from.addingTimeInterval(-to.timeIntervalSince(from)), to: from) }

    /// The longest period a report covers.
    public static let maximumDays = 366
}
