import Foundation

/// A routine the cycle found due, with what it needs to run and to claim it.
struct DueRoutine: Sendable, Equatable {
    var id: UUID
    var clientID: UUID
    var clientName: String
    /// `fr` or `en`: the routine's `config.language`, else the client's.
    var language: String
    var routineType: String
    var schedule: String
    /// `next_run_at` as PostgreSQL printed it (nil when never set): the claim compares the text,
    /// so no timestamp is rounded on its way through `Date`.
    var seenNextRunAt: String?
    /// `config.machines`: nil for "all" (or absent), else the listed ids.
    var machineIDs: [UUID]?
    var notifyChannels: [UUID]
}
