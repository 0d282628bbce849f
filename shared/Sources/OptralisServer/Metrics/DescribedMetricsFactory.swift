import CoreMetrics
import Prometheus

/// The swift-metrics factory behind every service's `/metrics`. swift-prometheus's own factory
/// writes no `# HELP` line and keeps names as given (`hb.requests`, a counter without `_total`), so
/// `promtool check metrics` refused the page. This one gives each metric a Prometheus name (dots
/// become `_`, counters end in `_total`) and its help text from ``help``.
struct DescribedMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    /// Buckets and the `destroy…` functions come from swift-prometheus's factory.
    private let base: PrometheusMetricsFactory

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        self.base = PrometheusMetricsFactory(registry: registry)
    }

    /// What each metric counts, by its Prometheus name. A metric missing here is still
    /// described (by its kind and name) and the test of every service's `/metrics` names it.
    static let help: [String: String] = [
        "hb_requests_total": "HTTP requests served, by method, route and status.",
        "hb_request_errors_total": "HTTP requests that ended in an error, by method, route and status.",
        "http_server_request_duration": "Time to serve an HTTP request, in seconds, by method, route and status.",
        "http_server_active_requests": "HTTP requests being served, by method.",
        "api_agent_collect_total": "Agent collect payloads received, by collector and outcome (stored or duplicate).",
        "api_agent_collect_batches_total": "Group commits of agent collect payloads written to PostgreSQL.",
        "api_agent_collect_batch_size": "Collect payloads per group commit.",
        "api_agent_collect_write_duration": "Time to write one group commit of agent collect payloads to PostgreSQL, in seconds.",
        "api_agent_heartbeat_batches_total": "Group commits of agent heartbeats written to PostgreSQL.",
        "api_agent_heartbeat_batch_size": "Heartbeats per group commit.",
        "api_agent_heartbeat_write_duration": "Time to write one group commit of agent heartbeats to PostgreSQL, in seconds.",
        "api_agent_connections_refused_total":
            "Connections to the agents' port closed before their TLS handshake: over AGENT_TLS_HANDSHAKE_LIMIT with the queue full, "
            + "or their wait for a place run out.",
        "api_agent_connections_waited_total":
            "Connections to the agents' port that waited for a place because AGENT_TLS_HANDSHAKE_LIMIT handshakes were in progress.",
        "api_agent_handshakes_in_progress": "TLS handshakes in progress on the agents' port (at most AGENT_TLS_HANDSHAKE_LIMIT).",
        "api_agent_connections_waiting": "Connections to the agents' port waiting for a place to start their TLS handshake.",
        "connections_over_budget_total":
            "Connections closed as soon as accepted because the process had as many open as its open-files limit allows (ConnectionBudget).",
        "scheduler_job_runs_total": "Scheduled job runs, by job and outcome.",
        "scheduler_job_duration_seconds": "Time a scheduled job run took, in seconds, by job.",
        "scheduler_job_items_total": "Items a scheduled job handled, by job and kind of item.",
        "notifier_queue_pending": "Notification jobs waiting in a queue.",
        "notifier_queue_delayed": "Notification jobs waiting for their retry time.",
        "notifier_queue_dead_letter": "Notification jobs given up after their last try.",
        "notifier_jobs_total": "Notification jobs handled, by queue and outcome.",
        "ai_health_refresh_runs_total": "Automatic health-score refresh runs, by outcome (complete, or partial when the time budget ran out).",
        "ai_health_refresh_machines_total":
            "Machines the automatic health-score refresh handled, by outcome (scored, skipped for lack of recent data, failed).",
    ]

    static func prometheusName(_ label: String, counter: Bool) -> String {
        var name = String(label.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" ? $0 : "_" })
        if counter, !name.hasSuffix("_total") { name += "_total" }
        return name
    }

    private static func description(_ name: String, kind: String) -> String {
        help[name] ?? "\(kind) \(name) (no description yet)."
    }

    private static func labels(_ dimensions: [(String, String)]) -> [(String, String)] {
        dimensions.map { (prometheusName($0.0, counter: false), $0.1) }
    }

    /// swift-prometheus's `Counter` is both kinds of counter handler.
    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Prometheus.Counter {
        let name = Self.prometheusName(label, counter: true)
        return registry.makeCounter(
            descriptor: .init(metricName: name, unitName: "", helpText: Self.description(name, kind: "Counter")), labels: Self.labels(dimensions))
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { counter(label, dimensions) }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler { counter(label, dimensions) }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        let name = Self.prometheusName(label, counter: false)
        let descriptor = MetricNameDescriptor(metricName: name, unitName: "", helpText: Self.description(name, kind: aggregate ? "Histogram" : "Gauge"))
        guard aggregate else { return registry.makeGauge(descriptor: descriptor, labels: Self.labels(dimensions)) }
        let buckets = base.valueHistogramBuckets[label] ?? base.defaultValueHistogramBuckets
        return registry.makeValueHistogram(descriptor: descriptor, labels: Self.labels(dimensions), buckets: buckets)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        let name = Self.prometheusName(label, counter: false)
        return registry.makeGauge(
            descriptor: .init(metricName: name, unitName: "", helpText: Self.description(name, kind: "Gauge")), labels: Self.labels(dimensions))
    }

    /// Hummingbird's request timer, per route: fine enough to read a p99 anywhere between 1 ms
    /// and 1 s (each bucket at most 1.7 times the one below), which the ingest benchmark prints
    /// beside its own (and the same for the group commit's writes) (swift-prometheus's default starts at 5 ms, then 10, 25, 50…).
    static let requestDurationBuckets: [Duration] =
        [1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 2500, 5000, 10000].map { .microseconds(Int64($0 * 1000)) }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let name = Self.prometheusName(label, counter: false)
        let buckets =
            ["http.server.request.duration", "api_agent_collect_write_duration", "api_agent_heartbeat_write_duration"].contains(label)
            ? Self.requestDurationBuckets : base.durationHistogramBuckets[label] ?? base.defaultDurationHistogramBuckets
        return registry.makeDurationHistogram(
            descriptor: .init(metricName: name, unitName: "", helpText: Self.description(name, kind: "Histogram")), labels: Self.labels(dimensions),
            buckets: buckets)
    }

    func destroyCounter(_ handler: any CounterHandler) { base.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { base.destroyFloatingPointCounter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { base.destroyRecorder(handler) }
    func destroyMeter(_ handler: any MeterHandler) { base.destroyMeter(handler) }
    func destroyTimer(_ handler: any TimerHandler) { base.destroyTimer(handler) }
}
