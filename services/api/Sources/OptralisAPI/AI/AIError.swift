import OptralisCore

/// The errors of the AI routes: configuration, automation limits and the AI service.
enum AIError {
    static let autoDetectDisabled = AppError.badRequest("automatic detection is off for this client (auto_detect_enabled)", code: "AUTO_DETECT_DISABLED")
    static let routineLimitReached = AppError.badRequest("a client can have at most \(AutomationRules.maximumRoutines) routines", code: "ROUTINE_LIMIT_REACHED")
    static let triggerLimitReached = AppError.badRequest("a client can have at most \(AutomationRules.maximumTriggers) triggers", code: "TRIGGER_LIMIT_REACHED")
    static let unavailable = AppError.serviceUnavailable("the AI service is unreachable", code: "AI_UNAVAILABLE")
}
