/// The text of a trigger's notification (the `routine_notification` email, the webhooks'
/// message), in French or English.
enum TriggerMessage {
    /// What the trigger type says of the machine: `critical_machine` critical, `degradation` a
    /// warning, `new_machine` information. Webhooks show it (word and colour); emails do not.
    static func severity(_ trigger: ActiveTrigger) -> String? {
        switch trigger.triggerType {
        case "critical_machine": "critical"
        case "degradation": "warning"
        case "new_machine": "info"
        default: nil
        }
    }

    static func subject(_ trigger: ActiveTrigger, _ machine: MachineFacts) -> String {
        let title = trigger.language == "en" ? "AI trigger" : "Déclencheur IA"
        return "[Optralis] \(title) \(trigger.triggerType) - \(machine.hostname) - \(trigger.clientName)"
    }

    static func text(_ trigger: ActiveTrigger, _ machine: MachineFacts, _ firing: TriggerFiring) -> String {
        let english = trigger.language == "en"
        return [
            english
                ? "Trigger \(trigger.triggerType) fired for \(machine.hostname)."
                : "Le déclencheur \(trigger.triggerType) s'est activé pour \(machine.hostname).",
            (english ? "Reason: " : "Raison : ") + firing.reason,
            (english ? "Analysis: " : "Analyse : ") + firing.status,
        ].joined(separator: "\n")
    }
}
