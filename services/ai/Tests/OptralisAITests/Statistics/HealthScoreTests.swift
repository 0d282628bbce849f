import Foundation
@testable import OptralisAI
import OptralisTestSupport
import Testing

@Suite("Health score")
struct HealthScoreTests {
    let now = SyntheticSeries.now

    var healthy: HealthInputs {
        var generator = SeededGenerator(seed: 5)
        return HealthInputs(
            cpuPercent: SyntheticSeries.make(days: 2, step: 300) { _, _ in 20 + Double.random(in: -3...3, using: &generator) },
            ramPercent: SyntheticSeries.constant(45, days: 2, step: 300),
            diskLatencyMs: SyntheticSeries.constant(4, days: 2, step: 300),
            volumeUsedPercents: [40, 62.5], smartStatuses: ["healthy", "virtual"],
            security: SecurityFacts(firewallEnabled: true, antivirusEnabled: true, antivirusUpToDate: true),
            stability: StabilityFacts())
    }

    @Test func a_flat_healthy_machine_scores_high_and_stable() throws {
        let score = try #require(HealthScore(healthy, now: now))
        #expect(score.overall == 100)
        #expect(score.categories == [.cpu: 100, .ram: 100, .disk: 100, .security: 100, .stability: 100])
        #expect(score.trend == .stable && score.riskLevel == .low && score.confidence == 1 && score.issues.isEmpty)
    }

    @Test func sub_scores_follow_the_documented_formulas() throws {
        var inputs = healthy
        inputs.cpuPercent = SyntheticSeries.constant(80, days: 1, step: 300)
        inputs.ramPercent = SyntheticSeries.constant(95, days: 1, step: 300)
        inputs.volumeUsedPercents = [50]
        inputs.smartStatuses = ["warning"]
        inputs.diskLatencyMs = SyntheticSeries.constant(70, days: 1, step: 300)
        inputs.security = SecurityFacts(
            firewallEnabled: false, antivirusEnabled: nil, antivirusUpToDate: false, pendingSecurityUpdates: 9, rebootRequired: true)
        inputs.stability = StabilityFacts(criticalEvents: 2, errorEvents: 20, outages: 1)
        let score = try #require(HealthScore(inputs, now: now))
        #expect(score.categories == [.cpu: 75, .ram: 25, .disk: 40, .security: 25, .stability: 40])
        // (75×0.20 + 25×0.20 + 40×0.25 + 25×0.15 + 40×0.20) = 41.75
        #expect(score.overall == 42 && score.riskLevel == .critical)
        #expect(score.issues.map(\.category) == [.ram, .security, .disk, .stability])
        #expect(score.issues.allSatisfy { $0.severity == .high })
    }

    @Test func usage_score_anchors() {
        #expect(HealthCategory.usageScore(70, comfortable: 70, critical: 90) == 100)
        #expect(HealthCategory.usageScore(90, comfortable: 70, critical: 90) == 50)
        #expect(HealthCategory.usageScore(100, comfortable: 70, critical: 90) == 0)
        #expect(HealthCategory.usageScore(150, comfortable: 70, critical: 90) == 0)
    }

    @Test func missing_categories_are_left_out_and_lower_confidence() throws {
        var inputs = healthy
        inputs.security = nil
        inputs.stability = nil
        inputs.cpuPercent = SyntheticSeries.constant(90, days: 1, step: 300)
        let score = try #require(HealthScore(inputs, now: now))
        #expect(score.categories[.security] == nil && score.categories[.stability] == nil)
        #expect(score.confidence == 0.65)
        // (50×0.20 + 100×0.20 + 100×0.25) / 0.65 = 84.6
        #expect(score.overall == 85)
    }

    @Test func a_worse_day_than_the_day_before_is_declining() throws {
        var inputs = healthy
        inputs.cpuPercent = SyntheticSeries.make(days: 2, step: 300) { _, offset in offset < 86_400 ? 20 : 95 }
        let score = try #require(HealthScore(inputs, now: now))
        #expect(score.categories[.cpu] == 25)
        #expect(score.trend == .declining)
        #expect(try #require(HealthScore(healthy, now: now, previousOverall: 60)).trend == .improving)
        #expect(try #require(HealthScore(healthy, now: now, previousOverall: 97)).trend == .stable)
    }

    @Test func without_history_the_trend_is_unknown() throws {
        var inputs = healthy
        inputs.cpuPercent = SyntheticSeries.constant(20, days: 0.5, step: 300)
        inputs.ramPercent = []
        inputs.diskLatencyMs = []
        #expect(try #require(HealthScore(inputs, now: now)).trend == .unknown)
    }

    @Test func no_data_at_all_has_no_score() {
        #expect(HealthScore(HealthInputs(), now: now) == nil)
        var nonFinite = HealthInputs()
        nonFinite.cpuPercent = [Sample(time: now, value: .nan)]
        nonFinite.volumeUsedPercents = [.infinity]
        #expect(HealthScore(nonFinite, now: now) == nil)
    }

    @Test func risk_levels() {
        #expect([100, 80, 79, 65, 64, 50, 49, 0].map { RiskLevel(score: $0) } == [.low, .low, .medium, .medium, .high, .high, .critical, .critical])
    }
}
