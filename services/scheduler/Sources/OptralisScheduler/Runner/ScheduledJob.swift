import Foundation

/// One recurring job of the scheduler. `run` returns counts for the log and metrics
/// (rows deleted, reminders sent…).
public struct ScheduledJob: Sendable {
    public let name: String
    public let schedule: Schedule
    /// How long the lock holds without renewal: a crashed holder's lock frees after this.
    public let lockTTL: Duration
    public let run: @Sendable () async throws -> [String: Int]

    public init(name: String, schedule: Schedule, lockTTL: Duration = .seconds(60), run: @escaping @Sendable () async throws -> [String: Int]) {
        self.name = name
        self.schedule = schedule
        self.lockTTL = lockTTL
        self.run = run
    }
}
