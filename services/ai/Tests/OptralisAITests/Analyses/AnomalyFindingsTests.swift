import Foundation
@testable import OptralisAI
import Testing

@Suite("Anomaly findings")
struct AnomalyFindingsTests {
    @Test func a_step_above_the_baseline_is_an_anomaly() throws {
        let machine = UUID()
        let measures = [
            BaselineStore.Measure(
                machineID: machine, metric: .cpuPercent, baseline: Baseline(mean: 20, standardDeviation: 5, p95: 28, sampleCount: 168), current: 40),
            BaselineStore.Measure(
                machineID: machine, metric: .ramPercent, baseline: Baseline(mean: 50, standardDeviation: 5, p95: 58, sampleCount: 168), current: 52),
            BaselineStore.Measure(machineID: machine, metric: .diskLatencyMs, baseline: nil, current: 3),
        ]
        let findings = try #require(AnomalyStatistics.findings(measures, language: .en))
        #expect(findings.statistics.metrics.map(\.metric) == [.cpuPercent, .ramPercent])
        #expect(findings.statistics.metrics.first?.drift?.zScore == 4)
        #expect(findings.statistics.anomalyCount == 1)
        #expect(findings.issues.map(\.title) == ["cpu_percent: anomaly (z = 4)"] && findings.issues.first?.severity == .high)
        #expect(AnomalyStatistics.findings([measures[2]], language: .en) == nil)
    }
}
