import Foundation
@testable import OptralisAI
import Testing

@Suite("Capacity planning")
struct CapacityPlanTests {
    let now = SyntheticSeries.now

    @Test func disk_growth_per_month_and_days_until_critical() throws {
        // 500 GB volume, 300 GB used now, growing 5.2 GB per 30 days for 90 days.
        let used = SyntheticSeries.make(days: 90, step: 3600) { _, offset in 300 - 5.2 * 3 + 5.2 * offset / (30 * 86_400) }
        let plan = try #require(DiskCapacityPlan(usedGB: used, totalGB: 500, now: now))
        #expect(abs(plan.growthGBPerMonth - 5.2) < 0.01)
        #expect(abs(plan.currentUsagePercent - 60) < 0.01)
        // 150 GB to the critical 90 % (450 GB) at 5.2 GB a month: 865.4 days.
        #expect(plan.daysUntilCritical == 865)
        let full = try #require(plan.predictedFullDate)
        #expect(abs(full.timeIntervalSince(now) / 86_400 - 200 / 5.2 * 30) < 1)
    }

    @Test func a_stable_disk_has_no_full_date() throws {
        let plan = try #require(DiskCapacityPlan(usedGB: SyntheticSeries.constant(95), totalGB: 100, now: now))
        #expect(plan.growthGBPerMonth == 0 && plan.predictedFullDate == nil)
        #expect(plan.daysUntilCritical == 0, "already above 90 %")
    }

    @Test func degenerate_volumes_have_no_plan() {
        #expect(DiskCapacityPlan(usedGB: [], totalGB: 100, now: now) == nil)
        #expect(DiskCapacityPlan(usedGB: SyntheticSeries.constant(5), totalGB: 0, now: now) == nil)
        let single = DiskCapacityPlan(usedGB: [Sample(time: now, value: 50)], totalGB: 100, now: now)
        #expect(single?.currentUsagePercent == 50 && single?.growthGBPerMonth == 0 && single?.daysUntilCritical == nil)
    }

    @Test func memory_outlook_reports_average_and_trend() throws {
        let flat = try #require(MemoryOutlook(SyntheticSeries.constant(82, days: 60), now: now))
        #expect(flat.averageUsagePercent == 82 && flat.trend == .stable)
        let rising = SyntheticSeries.make(days: 60, step: 3600) { _, offset in offset < 30 * 86_400 ? 40 : 70 }
        #expect(try #require(MemoryOutlook(rising, now: now)).trend == .increasing)
        #expect(MemoryOutlook([], now: now) == nil)
    }
}
