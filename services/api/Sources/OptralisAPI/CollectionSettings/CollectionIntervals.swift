import Foundation

/// How often each collector runs on a machine (spec "Collection Settings", "GET
/// /agent/config/collectors"): per collector, the first setting that names it, in the order
/// machine > label > group > global (client), higher `priority` first within a scope, else the
/// default. Values are kept within the collector's bounds. The agent's configuration route and
/// `/api/machines/:id/effective-intervals` both use this.
enum CollectionIntervals {
    struct Bounds: Sendable {
        let collector: String
        let minimum: Int
        let maximum: Int
        let defaultInterval: Int
    }

    /// The spec's table, in the order the agent lists them.
    static let bounds: [Bounds] = [
        Bounds(collector: "metrics", minimum: 5, maximum: 300, defaultInterval: 10),
        Bounds(collector: "storage", minimum: 60, maximum: 3_600, defaultInterval: 300),
        Bounds(collector: "storage_health", minimum: 1_800, maximum: 86_400, defaultInterval: 7_200),
        Bounds(collector: "network", minimum: 10, maximum: 600, defaultInterval: 30),
        Bounds(collector: "services", minimum: 30, maximum: 1_800, defaultInterval: 120),
        Bounds(collector: "security", minimum: 300, maximum: 86_400, defaultInterval: 900),
        Bounds(collector: "software", minimum: 3_600, maximum: 86_400, defaultInterval: 14_400),
        Bounds(collector: "patches", minimum: 3_600, maximum: 86_400, defaultInterval: 21_600),
    ]

    /// A `collection_settings` row that applies to the machine.
    struct Setting: Sendable {
        let id: UUID
        let name: String
        let scope: String
        let priority: Int
        let intervals: [String: Int]
        let enabled: [String: Bool]

        var rank: Int { ["machine": 0, "label": 1, "group": 2, "global": 3][scope] ?? 4 }
        var source: String { scope == "global" ? "client_setting" : "\(scope)_setting" }
    }

    struct Collector: Sendable, Codable, Equatable {
        let type: String
        let enabled: Bool
        let interval: Int
    }

    struct Resolved: Sendable {
        let collectors: [Collector]
        /// default, client_setting, group_setting, label_setting or machine_setting: where the
        /// most specific applicable setting comes from.
        let source: String
        let setting: Setting?
    }

    static func resolve(_ applicable: [Setting]) -> Resolved {
        let ordered = applicable.sorted { ($0.rank, -$0.priority) < ($1.rank, -$1.priority) }
        let collectors = bounds.map { bound in
            let interval = ordered.lazy.compactMap { $0.intervals[bound.collector] }.first ?? bound.defaultInterval
            let enabled = ordered.lazy.compactMap { $0.enabled[bound.collector] }.first ?? true
            return Collector(type: bound.collector, enabled: enabled, interval: min(max(interval, bound.minimum), bound.maximum))
        }
        return Resolved(collectors: collectors, source: ordered.first?.source ?? "default", setting: ordered.first)
    }
}
