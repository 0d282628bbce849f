import Foundation

/// An enabled trigger of a client whose licence allows triggers (Essentials and above, active).
struct ActiveTrigger: Sendable, Equatable {
    var id: UUID
    var clientID: UUID
    var clientName: String
    var language: String
    /// `critical_machine`, `new_machine` or `degradation`.
    var triggerType: String
    /// The numeric conditions (`health_score_below`, `offline_minutes`, `grace_minutes`…).
    var conditions: [String: Double]
    /// `actions.analysis_type` (nil when absent). Only the health score exists in this service
    /// yet, so every firing runs it; the requested type is recorded beside its result.
    var analysisType: String?
    var notifyChannels: [UUID]
    var createdAt: Date
}
