import Foundation

/// One row of `ai_trigger_history`: a trigger fired for a machine, and what its analysis gave.
struct TriggerFiring: Sendable, Equatable {
    var clientID: UUID
    var triggerID: UUID
    var machineID: UUID
    var reason: String
    /// `success` (analysed), `skipped` (the gate refused, or no data) or `failed`.
    var status: String
    var analysisID: UUID?
    var resultJSON: String
    var triggeredAt: Date
}
