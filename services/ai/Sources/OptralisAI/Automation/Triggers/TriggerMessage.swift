/// The text of a trigger's `routine_notification` email, in French or English.
enum TriggerMessage {
    static func subject(_ trigger: ActiveTrigger, _ machine: MachineFacts) -> String {
        let title = trigger.language == "en" ? "AI trigger" : "Déclencheur IA"
        return "[Optralis] \(title) \(trigger.triggerType) - \(machine.hostname) - \(trigger.clientName)"
    }

    static func text(_ trigger: ActiveTrigger, _ machine: MachineFacts, _ firing: TriggerFiring) -> String {
        let english = trigger.language == "en"
        return [
            english ? "Trigger \(trigger.triggerType) fired for \(machine.hostname)." : "Le déclencheur \(trigger.triggerType) s'est activé pour \(machine.hostname).",
            (english ? "Reason: " : "Raison : ") + firing.reason,
            (english ? "Analysis: " : "Analyse : ") + firing.status,
        ].joined(separator: "\n")
    }
}
