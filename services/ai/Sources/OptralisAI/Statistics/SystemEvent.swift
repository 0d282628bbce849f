import Foundation

/// A system event (Windows event log, journal) as correlation reads it.
struct SystemEvent: Sendable, Equatable {
    var time: Date
    var source: String
    var eventID: Int?
    /// critical, error, warning or info.
    var level: String
    var message: String

    init(time: Date, source: String, eventID: Int? = nil, level: String, message: String) {
        self.time = time
        self.source = source
        self.eventID = eventID
        self.level = level
        self.message = message
    }

    /// Events with the same key are the same kind of event: source and id, or source and
    /// message for sources without ids (the journal).
    var key: String {
        if let eventID { return "\(source)#\(eventID)" }
        return "\(source)|\(message)"
    }
}
