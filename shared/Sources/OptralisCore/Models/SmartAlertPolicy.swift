/// The fixed numbers of the smart alerts ("Alertes Intelligentes (Essentials+)"), shared by the
/// api (validation, what the routes show) and the scheduler (evaluation). docs/smart-alerts.md
/// explains each choice.
public enum SmartAlertPolicy {
    /// The metrics a smart rule watches (the plain rules' names, without `offline_minutes`: the
    /// offline alert is the root cause smart alerts defer to).
    public static let metrics = ["cpu", "ram", "disk", "temperature"]
    /// The metrics with a baseline in `metric_baselines` (filled by the AI service), so the only
    /// ones an adaptive rule may watch, with the `metric_type` they are stored under.
    public static let baselineMetrics = ["cpu": "cpu_percent", "ram": "ram_percent"]
    public static let modes = ["adaptive", "static"]
    public static let severities = ["info", "warning", "critical"]

    /// `k` of an adaptive threshold (p95 + k·σ).
    public static let sigmaFactors: ClosedRange<Double> = 1...6
    public static let defaultSigmaFactor = 3.0
    /// How long the metric must stay above the threshold.
    public static let durations: ClosedRange<Int> = 5...60
    public static let defaultDuration = 10
    /// Smart rules a client may have.
    public static let maximumRules = 50
    /// A baseline older than this is not used (the AI service measures it over the 7 days before).
    public static let baselineMaximumAgeDays = 7
    /// An adaptive threshold is at least this many points above the baseline's p95: a machine
    /// whose usage barely varies (σ near 0) would otherwise alert on a rise of a few percent.
    public static let minimumMargin = 10.0
    /// The spec's noise suppression: one alert per machine and metric per 15 minutes.
    public static let groupingMinutes = 15

    /// A static threshold's bounds: percent for cpu, ram and disk, °C for temperature.
    public static func thresholds(metric: String) -> ClosedRange<Double> {
        metric == "temperature" ? 0...150 : 0...100
    }

    /// The dynamic cooldown: how long a rule stays silent on a machine after alerting, by
    /// severity. Never below ``groupingMinutes``, which would hide a shorter one anyway.
    public static func cooldownMinutes(severity: String) -> Int {
        switch severity {
        case "critical": 15
        case "warning": 60
        default: 240
        }
    }
}
