import Foundation

/// A routine run's result, as `ai_routine_history` records it.
struct RoutineOutcome: Sendable, Equatable {
    /// `success`, `partial`, `failed` or `skipped`.
    var status: String
    var machinesAnalyzed = 0
    var issuesFound = 0
    /// Machines the gate or missing data left alone (counted, not errors).
    var machinesSkipped = 0
    var machinesFailed = 0
    var errorMessage: String?
    /// The first lines of the notification's text, one per analysed machine.
    var lines: [String] = []

    /// `success` when nothing failed, `failed` when every attempted machine failed, else `partial`.
    static func counted(analysed: Int, issues: Int, skipped: Int, failed: Int, errors: [String], lines: [String]) -> RoutineOutcome {
        let status = failed == 0 ? "success" : (analysed == 0 && skipped == 0 ? "failed" : "partial")
        return RoutineOutcome(
            status: status, machinesAnalyzed: analysed, issuesFound: issues, machinesSkipped: skipped, machinesFailed: failed,
            errorMessage: errors.isEmpty ? nil : errors.prefix(5).joined(separator: "; "), lines: lines)
    }

    var resultJSON: String {
        AIJSON.string([
            "machines_analyzed": machinesAnalyzed, "issues_found": issuesFound, "machines_skipped": machinesSkipped, "machines_failed": machinesFailed,
        ])
    }
}
