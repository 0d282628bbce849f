import Foundation
@testable import OptralisAI
import Testing

@Suite("Trigger conditions")
struct TriggerConditionsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func trigger(_ type: String, _ conditions: [String: Double]) -> ActiveTrigger {
        ActiveTrigger(
            id: UUID(), clientID: UUID(), clientName: "Acme", language: "fr", triggerType: type, conditions: conditions, analysisType: nil,
            notifyChannels: [], createdAt: now.addingTimeInterval(-86_400))
    }

    func machine(_ edit: (inout MachineFacts) -> Void = { _ in }) -> MachineFacts {
        var facts = MachineFacts(id: UUID(), hostname: "srv-01", createdAt: now.addingTimeInterval(-7 * 86_400), lastSeen: now, maintenance: false)
        edit(&facts)
        return facts
    }

    @Test func critical_names_every_condition_that_holds() {
        let critical = trigger("critical_machine", ["offline_minutes": 15, "disk_above": 90, "health_score_below": 50, "ram_above": 95])
        let down = machine {
            $0.lastSeen = now.addingTimeInterval(-20 * 60)
            $0.diskPercent = 93.5
            $0.healthScore = 60
            $0.ramPercent = nil
        }
        #expect(TriggerConditions.reason(critical, down, now: now) == "Offline for 20 minutes (limit 15); Disk 93.5% above 90%")
        #expect(
            TriggerConditions.reason(
                critical,
                machine {
                    $0.diskPercent = 90
                    $0.healthScore = 50
                }, now: now) == nil, "at the limit is not over it")
        #expect(TriggerConditions.reason(critical, machine { $0.lastSeen = nil }, now: now) == nil, "a machine that never reported is not offline")
        #expect(
            TriggerConditions.reason(
                critical,
                machine {
                    $0.healthScore = 12
                    $0.maintenance = true
                }, now: now) == nil, "maintenance silences it")
    }

    @Test func degradation_by_health_drop_over_the_trend_window() {
        let degradation = trigger("degradation", ["health_score_drop": 20, "trend_days": 3])
        #expect(
            TriggerConditions.reason(
                degradation,
                machine {
                    $0.bestRecentScore = 90
                    $0.healthScore = 65
                }, now: now) == "Health score dropped 25 points in 3 days (90 → 65)")
        #expect(
            TriggerConditions.reason(
                degradation,
                machine {
                    $0.bestRecentScore = 90
                    $0.healthScore = 75
                }, now: now) == nil)
    }

    @Test func a_new_machine_waits_for_its_grace_and_the_default_is_ten_minutes() {
        let newMachine = trigger("new_machine", [:])
        #expect(TriggerConditions.reason(newMachine, machine { $0.createdAt = now.addingTimeInterval(-11 * 60) }, now: now) == "New machine srv-01 detected")
        #expect(TriggerConditions.reason(newMachine, machine { $0.createdAt = now.addingTimeInterval(-9 * 60) }, now: now) == nil)
        #expect(TriggerConditions.reason(newMachine, machine(), now: now) == nil, "older than the trigger")
    }
}
