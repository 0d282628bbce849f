import Foundation
import OptralisCore

/// The outcome of the checks before an analysis, each refusal with the status and body the
/// spec gives it ("Système Anti-Spam", "Ordre des vérifications").
enum GateDecision: Sendable, Equatable {
    /// Run the analysis: the quota is already taken. `previous` is the last analysis of the kind.
    case proceed(previous: AnalysisHistoryStore.LastAnalysis?, fingerprint: DataFingerprint)
    /// 403 `PREMIUM_REQUIRED`: an advanced analysis on Trial, Starter or Essentials.
    case premiumRequired
    /// 404: no such machine for this client.
    case machineNotFound
    /// 429 with `remaining_secs` and `next_available`.
    case cooldown(Cooldown)
    /// 304 `NO_NEW_DATA`.
    case noNewData(lastAnalysis: Date)
    /// 304 `NO_SIGNIFICANT_CHANGES` with the last analysis's issues.
    case noSignificantChanges(previousIssues: [String], lastAnalysis: Date)
    /// 429 `QUOTA_EXCEEDED`.
    case quotaExceeded(QuotaStatus)
    /// 429 `ANALYSIS_IN_PROGRESS`: the same analysis of the same machine is running (``AnalysisLock``).
    case inProgress

    var status: Int {
        switch self {
        case .proceed: 200
        case .premiumRequired: 403
        case .machineNotFound: 404
        case .cooldown, .quotaExceeded, .inProgress: 429
        case .noNewData, .noSignificantChanges: 304
        }
    }

    /// The JSON body of a refusal (nil for `proceed`), with the spec's fields and wording.
    func body(language: AILanguage) -> (any Encodable & Sendable)? {
        switch self {
        case .proceed:
            return nil
        case .premiumRequired:
            return ErrorBody(error: "This analysis requires a Pro, Business or Enterprise licence", code: "PREMIUM_REQUIRED")
        case .machineNotFound:
            return ErrorBody(error: "machine not found", code: "NOT_FOUND")
        case .inProgress:
            return ErrorBody(error: "this analysis of this machine is already running", code: "ANALYSIS_IN_PROGRESS")
        case .cooldown(let cooldown):
            return CooldownBody(remainingSeconds: cooldown.remainingSeconds, nextAvailable: cooldown.nextAvailable.formatted(.iso8601))
        case .noNewData(let last):
            return UnchangedBody(
                error: "No new data since last analysis", code: "NO_NEW_DATA", message: nil, previousIssues: nil,
                lastAnalysis: last.formatted(.iso8601))
        case .noSignificantChanges(let issues, let last):
            let message =
                switch language {
                case .fr: "Les problèmes identifiés précédemment sont toujours présents, sans changement significatif depuis la dernière analyse."
                case .en: "The issues found last time are still present, with no significant change since the last analysis."
                }
            return UnchangedBody(
                error: "No significant changes detected", code: "NO_SIGNIFICANT_CHANGES", message: message, previousIssues: issues,
                lastAnalysis: last.formatted(.iso8601))
        case .quotaExceeded(let quota):
            return QuotaExceededBody(monthlyLimit: quota.monthlyLimit, used: quota.used, resetsAt: quota.resetsAt.formatted(.iso8601))
        }
    }
}

/// `{"error": "Monthly AI quota exceeded", "code": "QUOTA_EXCEEDED", "monthly_limit", "used", "resets_at"}`.
struct QuotaExceededBody: Encodable, Sendable {
    let error = "Monthly AI quota exceeded"
    let code = "QUOTA_EXCEEDED"
    let monthlyLimit: Int
    let used: Int
    let resetsAt: String

    enum CodingKeys: String, CodingKey {
        case error, code, monthlyLimit = "monthly_limit", used, resetsAt = "resets_at"
    }
}

/// The two 304 bodies; `message` and `previous_issues` only for `NO_SIGNIFICANT_CHANGES`.
struct UnchangedBody: Encodable, Sendable {
    let error: String
    let code: String
    let message: String?
    let previousIssues: [String]?
    let lastAnalysis: String

    enum CodingKeys: String, CodingKey {
        case error, code, message, previousIssues = "previous_issues", lastAnalysis = "last_analysis"
    }
}
