import Foundation
@testable import OptralisAI
import Testing

@Suite("Cooldown and change detection")
struct ChangeDetectionTests {
    let now = SyntheticSeries.now
    let alert = UUID()

    var before: DataFingerprint {
        DataFingerprint(latestSampleAt: now.addingTimeInterval(-600), cpuPercent: 40, ramPercent: 60, diskPercent: 70, openAlertIDs: [alert])
    }

    func verdict(_ change: (inout DataFingerprint) -> Void, errors: Int = 0, critical: Int = 0) -> ChangeVerdict {
        var current = before
        change(&current)
        return ChangeDetection.compare(previous: before, current: current, newErrorLogs: errors, newCriticalEvents: critical)
    }

    @Test func a_first_analysis_always_runs() {
        #expect(ChangeDetection.compare(previous: nil, current: before, newErrorLogs: 0, newCriticalEvents: 0) == .significant([.firstAnalysis]))
    }

    @Test func nothing_new_is_no_new_data() {
        #expect(verdict { _ in } == .noNewData)
        #expect(verdict { $0.cpuPercent = 90 } == .noNewData, "no newer sample: the same data read again")
        #expect(verdict({ _ in }, errors: 2) == .noSignificantChanges, "new logs are new data")
    }

    @Test func usage_needs_fifteen_points() {
        let newer = now.addingTimeInterval(-60)
        #expect(
            verdict {
                $0.latestSampleAt = newer
                $0.cpuPercent = 54.9
            } == .noSignificantChanges)
        #expect(
            verdict {
                $0.latestSampleAt = newer
                $0.cpuPercent = 55
            } == .significant([.cpu]))
        #expect(
            verdict {
                $0.latestSampleAt = newer
                $0.ramPercent = 45
                $0.diskPercent = 85
            } == .significant([.ram, .disk]))
        #expect(
            verdict {
                $0.latestSampleAt = newer
                $0.diskPercent = nil
            } == .noSignificantChanges)
    }

    @Test func alerts_logs_and_critical_events() {
        #expect(verdict { $0.openAlertIDs = [] } == .significant([.alerts]), "a resolved alert, even without new samples")
        #expect(verdict { $0.openAlertIDs = [alert, UUID()] } == .significant([.alerts]))
        #expect(verdict({ _ in }, errors: 3) == .significant([.errorLogs]))
        #expect(verdict({ _ in }, errors: 1, critical: 1) == .significant([.criticalEvents]))
    }

    @Test func fingerprints_round_trip_through_their_stored_json() throws {
        let json = before.json
        #expect(json.contains(#""latest_sample_at":"2027-01-15T07:50:00Z""#))
        #expect(DataFingerprint(json: json) == before)
        #expect(DataFingerprint(json: #"{"unexpected": true}"#) == nil)
    }

    @Test func cooldown_counts_from_the_last_analysis() throws {
        let cooldown = try #require(Cooldown(lastAnalysisAt: now.addingTimeInterval(-600), kind: .healthScore, now: now))
        #expect(cooldown.remainingSeconds == 1200 && cooldown.nextAvailable == now.addingTimeInterval(1200))
        #expect(Cooldown(lastAnalysisAt: now.addingTimeInterval(-1800), kind: .healthScore, now: now) == nil)
        #expect(Cooldown(lastAnalysisAt: now.addingTimeInterval(-899.5), kind: .logs, now: now)?.remainingSeconds == 1)
        #expect(Cooldown(lastAnalysisAt: nil, kind: .report, now: now) == nil)
        #expect(Cooldown(lastAnalysisAt: now.addingTimeInterval(-3600), kind: .report, now: now)?.remainingSeconds == 5 * 3600)
    }
}
