import CoreMetrics
import Foundation
@testable import OptralisServer
import OptralisTestSupport
import Testing

/// `/metrics` is what Prometheus scrapes: `promtool check metrics` (Debian's `prometheus`
/// package, installed by scripts/deps.sh) must accept it. The fuzz suite lints every running
/// service's page; this checks the factory on every kind of metric the services make.
@Suite("Metrics exposition")
struct MetricsExpositionTests {
    @Test func every_metric_kind_has_help_text_and_counters_end_in_total() async throws {
        OptralisMetrics.bootstrap(service: "metrics-test")
        Counter(label: "hb.requests", dimensions: [("http.request.method", "GET")]).increment()
        Counter(label: "api_agent_collect_batches_total").increment()
        Timer(label: "scheduler_job_duration_seconds", dimensions: [("job", "test")]).recordMilliseconds(12)
        Recorder(label: "api_agent_collect_batch_size").record(3)
        Gauge(label: "notifier_queue_pending", dimensions: [("queue", "email")]).record(2)
        Meter(label: "http.server.active_requests", dimensions: [("http.request.method", "GET")]).increment()
        Counter(label: "api_agent_connections_refused_total").increment()
        Timer(label: "api_agent_collect_write_duration").recordMicroseconds(4_000)
        // A route of this test alone: other tests of the process time real routes in the same registry.
        Timer(label: "http.server.request.duration", dimensions: [("http.route", "/metrics-test/collect"), ("http.request.method", "POST")])
            .recordMicroseconds(2_400)
        let text = String(decoding: OptralisMetrics.exposition(), as: UTF8.self)
        // Fine enough to read a p99 between 1 ms and 1 s: 2.4 ms lands between 2 and 3 ms.
        let buckets = text.split(separator: "\n").filter { $0.hasPrefix("http_server_request_duration_bucket{") && $0.contains("/metrics-test/collect") }
        #expect(buckets.count == DescribedMetricsFactory.requestDurationBuckets.count + 1, "\(buckets)")
        #expect(buckets.contains { $0.contains(#"le="0.002""#) && $0.hasSuffix(" 0") }, "\(buckets)")
        #expect(buckets.contains { $0.contains(#"le="0.003""#) && $0.hasSuffix(" 1") }, "\(buckets)")
        // The group commit's writes use the same fine buckets (the ingest benchmark reads their p99).
        let writes = text.split(separator: "\n").filter { $0.hasPrefix("api_agent_collect_write_duration_bucket{") }
        #expect(writes.count == DescribedMetricsFactory.requestDurationBuckets.count + 1, "\(writes)")
        #expect(text.contains("# TYPE hb_requests_total counter"), "\(text)")
        #expect(text.contains("# HELP http_server_active_requests "))
        #expect(!text.contains("no description yet"), "a metric the services make lacks its help text:\n\(text)")

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let promtool = try #require(
            ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "promtool is missing: scripts/deps.sh installs Debian's prometheus package")
        let (status, output) = try await ChildProcess.run("/bin/sh", ["-c", "\(promtool) check metrics < \(file.path)"])
        #expect(status == 0 && output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool: \(output)")
    }
}
