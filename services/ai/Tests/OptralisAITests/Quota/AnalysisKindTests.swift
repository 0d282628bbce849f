@testable import OptralisAI
import Testing

@Suite("Analyses: costs, cooldowns, licence gates")
struct AnalysisKindTests {
    @Test func costs_and_cooldowns_follow_the_spec_tables() {
        let table = AnalysisKind.allCases.map { ($0.path, $0.cost, Int($0.cooldown / 60)) }
        #expect(
            table.map(\.0) == [
                "analyze/logs", "analyze/anomalies", "analyze/full", "recommendations", "health-score", "analyze/trends",
                "scripts/generate", "reports/generate", "analyze/degradation", "analyze/intermittent", "correlate", "predictive/maintenance",
            ])
        #expect(table.map(\.1) == [1, 1, 3, 1, 1, 1, 1, 2, 1, 1, 1, 5])
        #expect(table.map(\.2) == [15, 15, 120, 60, 30, 15, 30, 360, 15, 15, 15, 120])
    }

    @Test func advanced_analyses_need_pro_or_above() {
        let advanced = AnalysisKind.allCases.filter(\.isAdvanced)
        #expect(advanced == [.degradation, .intermittent, .correlation, .predictiveMaintenance])
        for licence in ["trial", "starter", "essentials"] {
            #expect(advanced.allSatisfy { !$0.isAllowed(licence: licence) })
            #expect(AnalysisKind.healthScore.isAllowed(licence: licence))
        }
        for licence in ["pro", "business", "enterprise"] {
            #expect(AnalysisKind.allCases.allSatisfy { $0.isAllowed(licence: licence) })
        }
    }
}
