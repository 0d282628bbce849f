/// The metrics the spec watches for drift ("Métriques surveillées : cpu_percent, ram_percent,
/// disk_latency_ms"), named as `metric_baselines.metric_type` and the `metrics` columns.
enum BaselineMetric: String, Sendable, Codable, CaseIterable, Equatable {
    case cpuPercent = "cpu_percent"
    case ramPercent = "ram_percent"
    case diskLatencyMs = "disk_latency_ms"
}
