import Metrics
import OptralisCore
import Prometheus

/// The process's Prometheus registry behind swift-metrics. `MetricsSystem` can be bootstrapped
/// once per process, so every service (and every test application) shares this one.
public enum OptralisMetrics {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(DescribedMetricsFactory(registry: registry))
        return registry
    }()

    /// Bootstraps the metrics system (idempotent) and sets `optralis_build_info{service,version} 1`.
    public static func bootstrap(service: String) {
        registry.makeGauge(
            descriptor: .init(namespace: "optralis", metricName: "build", unitName: "info", helpText: "Always 1; labels carry the service name and version."),
            labels: [("service", service), ("version", OptralisVersion.current)]
        ).set(Int64(1))
    }

    /// The text exposition format served at `/metrics`.
    public static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
