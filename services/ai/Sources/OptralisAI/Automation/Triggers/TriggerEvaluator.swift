import Foundation
import Logging

/// Evaluates every active trigger against its client's machines and fires it: a health score
/// with source `trigger`, a row in `ai_trigger_history`, `last_triggered_at`, a notification.
/// `critical_machine` and `degradation` fire once per (trigger, machine) until the condition has
/// cleared (``FiringMarker``); `new_machine` fires once per machine ever (its history is the record).
struct TriggerEvaluator: Sendable {
    let store: TriggerStore
    let marker: FiringMarker
    let healthScore: AutomatedHealthScore
    let notifier: AutomationNotifier
    let logger: Logger

    /// The firings of this cycle.
    @discardableResult
    func evaluate(now: Date) async throws -> [TriggerFiring] {
        var firings: [TriggerFiring] = []
        for trigger in try await store.active() {
            do {
                firings += try await evaluate(trigger, now: now)
            } catch {
                logger.error(
                    "ai trigger evaluation failed",
                    metadata: ["optralis.client_id": "\(trigger.clientID)", "optralis.trigger_id": "\(trigger.id)", "error": "\(error)"])
            }
        }
        return firings
    }

    func evaluate(_ trigger: ActiveTrigger, now: Date) async throws -> [TriggerFiring] {
        let trendDays = trigger.conditions["trend_days"] ?? TriggerConditions.defaultTrendDays
        let machines = try await store.facts(clientID: trigger.clientID, trendDays: trendDays, now: now)
        let alreadyNew = trigger.triggerType == "new_machine" ? try await store.firedMachines(trigger) : []
        var cleared: [UUID] = []
        var firings: [TriggerFiring] = []
        for machine in machines {
            guard let reason = TriggerConditions.reason(trigger, machine, now: now) else {
                cleared.append(machine.id)
                continue
            }
            guard !alreadyNew.contains(machine.id), await marker.claim(triggerID: trigger.id, machineID: machine.id) else { continue }
            let firing = await fire(trigger, machine, reason: reason, now: now)
            try await store.record(firing)
            firings.append(firing)
            logger.info(
                "ai trigger fired",
                metadata: [
                    "optralis.client_id": "\(trigger.clientID)", "optralis.trigger_id": "\(trigger.id)", "optralis.machine_id": "\(machine.id)",
                    "trigger_type": "\(trigger.triggerType)", "status": "\(firing.status)", "reason": "\(reason)",
                ])
            await notifier.notify(
                clientID: trigger.clientID, channels: trigger.notifyChannels,
                message: AutomationMessage(
                    subject: TriggerMessage.subject(trigger, machine), text: TriggerMessage.text(trigger, machine, firing), language: trigger.language,
                    machineID: machine.id, hostname: machine.hostname, severity: TriggerMessage.severity(trigger)),
                now: now)
        }
        if trigger.triggerType != "new_machine" { await marker.clear(triggerID: trigger.id, machineIDs: cleared) }
        return firings
    }

    private func fire(_ trigger: ActiveTrigger, _ machine: MachineFacts, reason: String, now: Date) async -> TriggerFiring {
        var firing = TriggerFiring(
            clientID: trigger.clientID, triggerID: trigger.id, machineID: machine.id, reason: reason, status: "success", analysisID: nil,
            resultJSON: "{}", triggeredAt: now)
        let requested = trigger.analysisType ?? "health_score"
        switch await healthScore.run(clientID: trigger.clientID, machineID: machine.id, source: .trigger, now: now) {
        case .analysed(let report):
            firing.analysisID = report.id
            firing.resultJSON = AIJSON.string(
                TriggerAnalysisResult(
                    requestedAnalysisType: requested, overallScore: report.score.overall, riskLevel: report.score.riskLevel.rawValue,
                    summary: report.summary, issues: report.topIssues.count))
        case .skipped(let why):
            firing.status = "skipped"
            firing.resultJSON = AIJSON.string(TriggerAnalysisResult(requestedAnalysisType: requested, skipped: why))
        case .failed(let message):
            firing.status = "failed"
            firing.resultJSON = AIJSON.string(TriggerAnalysisResult(requestedAnalysisType: requested, error: message))
        }
        return firing
    }
}
