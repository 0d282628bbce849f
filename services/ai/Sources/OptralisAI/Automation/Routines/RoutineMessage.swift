import Foundation

/// The text of a routine's `routine_notification` email: a subject in the spec's style
/// (`[Optralis] … - ClientName (dd/MM/yyyy)`) and a plain-text summary, in French or English.
enum RoutineMessage {
    static func subject(_ routine: DueRoutine, now: Date) -> String {
        let title = routine.language == "en" ? "AI routine" : "Routine IA"
        return "[Optralis] \(title) \(routine.routineType) - \(routine.clientName) (\(date(now)))"
    }

    static func text(_ routine: DueRoutine, _ outcome: RoutineOutcome) -> String {
        var lines: [String]
        if routine.language == "en" {
            lines = [
                "Routine \(routine.routineType): \(outcome.status).",
                "Machines analysed: \(outcome.machinesAnalyzed), issues found: \(outcome.issuesFound), skipped: \(outcome.machinesSkipped), failed: \(outcome.machinesFailed).",
            ]
        } else {
            lines = [
                "Routine \(routine.routineType) : \(outcome.status).",
                "Machines analysées : \(outcome.machinesAnalyzed), problèmes trouvés : \(outcome.issuesFound), ignorées : \(outcome.machinesSkipped), en échec : \(outcome.machinesFailed).",
            ]
        }
        if !outcome.lines.isEmpty { lines.append("") }
        lines += outcome.lines.prefix(50).map { "- \($0)" }
        if let error = outcome.errorMessage { lines += ["", error] }
        return lines.joined(separator: "\n")
    }

    /// `dd/MM/yyyy` in UTC.
    static func date(_ now: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = RoutineRunner.utc
        let parts = calendar.dateComponents([.day, .month, .year], from: now)
        return String(format: "%02d/%02d/%04d", parts.day ?? 0, parts.month ?? 0, parts.year ?? 0)
    }
}
