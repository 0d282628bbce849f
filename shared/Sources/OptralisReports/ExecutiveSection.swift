/// The sections of an executive report, as named in `POST /api/reports/generate`'s `sections`.
public enum ExecutiveSection: String, CaseIterable, Codable, Sendable {
    case summary, alerts, incidents, resources
    case topMachines = "top_machines"
    case smart, patches, health, recommendations, charts

    /// The Starter content ("Stats de base, graphiques"); the others need Essentials.
    public static let simple: [ExecutiveSection] = [.summary, .alerts, .resources, .charts]

    /// Every section a client of this level gets by default, in report order.
    public static func defaults(for level: ExecutiveReportLevel) -> [ExecutiveSection] {
        level == .complete ? allCases : simple
    }

    public var needsCompleteLevel: Bool { !Self.simple.contains(self) }
}
