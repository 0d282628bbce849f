#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// `events`: warnings and worse from the systemd journal since the last delivered entry.
///
/// The journal cursor of the last entry delivered is kept in `<stateDirectory>/journal.cursor`.
/// `collect()` reads from there (the last hour on first run, or when the journal no longer knows
/// the cursor) and remembers the cursor of its last entry without saving it; the runtime calls
/// `commit()` once the server accepted the post, so events of a post that failed are read again.
/// Collect and commit are meant to alternate: a second collect before the commit replaces the
/// pending cursor. Without journalctl, or with an empty journal, there are no events.
public struct EventsCollector: Collector {
    public static let kind = "events"
    /// Entries per collect; the rest comes with the next one.
    public static let limit = 2000
    let runner: CommandRunner
    let stateDirectory: String
    private let pending = PendingCursor()

    public init(stateDirectory: String, runner: CommandRunner = CommandRunner()) {
        self.stateDirectory = stateDirectory
        self.runner = runner
    }

    var cursorFile: String { stateDirectory + "/journal.cursor" }

    public func collect() async throws -> EventsReport {
        var output = ""
        if let cursor = savedCursor() {
            // An unknown cursor (journal vacuumed or recreated) makes journalctl fail: start afresh.
            if let result = try? await runner.run("journalctl", Self.arguments(after: cursor)), result.status == 0 {
                output = result.output
            } else {
                output = (try? await runner.run("journalctl", Self.arguments(after: nil)))?.output ?? ""
            }
        } else {
            output = (try? await runner.run("journalctl", Self.arguments(after: nil)))?.output ?? ""
        }
        let parsed = Self.parse(output)
        await pending.set(parsed.lastCursor)
        return EventsReport(events: parsed.events)
    }

    /// Saves the cursor of the last `collect()`, after its events reached the server.
    public func commit() async throws {
        if let cursor = await pending.take() { try saveCursor(cursor) }
    }

    /// The cursor `collect()` would commit, if any.
    public func pendingCursor() async -> String? { await pending.cursor }

    public func saveCursor(_ cursor: String) throws {
        try AgentFiles.write(Data(cursor.utf8), to: cursorFile)
    }

    func savedCursor() -> String? {
        let cursor = (try? String(contentsOfFile: cursorFile, encoding: .utf8))?.trimmed()
        return cursor?.isEmpty == false ? cursor : nil
    }

    /// Only the fields used are printed, so `--all` can print long messages in full (journalctl
    /// otherwise prints `null` for a field over 4 KiB) without also printing core dumps. After a
    /// cursor every entry is read and `parse` keeps the oldest `limit`; without one, the newest
    /// `limit` of the last hour.
    static func arguments(after cursor: String?) -> [String] {
        let common = [
            "--output=json", "--no-pager", "--all", "--priority=warning",
            "--output-fields=MESSAGE,PRIORITY,SYSLOG_IDENTIFIER,_SYSTEMD_UNIT,_PID,_COMM",
        ]
        guard let cursor else { return common + ["--since", "-1h", "--lines", "\(limit)"] }
        return common + ["--after-cursor", cursor]
    }

    /// A journal field as `journalctl -o json` prints it: a string; an array of bytes when the
    /// value is not printable text (decoded as UTF-8, invalid bytes replaced); an array of values
    /// when the entry repeats the field (joined by new lines); null when too large.
    private struct Field: Decodable {
        let text: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self.text = text
            } else if let bytes = try? container.decode([UInt8].self) {
                text = String(decoding: bytes, as: UTF8.self)
            } else if let values = try? container.decode([Field].self) {
                text = values.compactMap(\.text).joined(separator: "\n")
            } else {
                text = nil
            }
        }
    }

    /// `journalctl -o json` prints one object per line. At most `limit` events; the cursor is
    /// that of the last line read, so entries skipped (no message) are not read again.
    static func parse(_ output: String, limit: Int = limit) -> (events: [EventRecord], lastCursor: String?) {
        var events: [EventRecord] = []
        var lastCursor: String?
        let decoder = JSONDecoder()
        for line in output.split(separator: "\n") where events.count < limit {
            guard let entry = try? decoder.decode([String: Field].self, from: Data(line.utf8)) else { continue }
            if let cursor = entry["__CURSOR"]?.text { lastCursor = cursor }
            guard let microseconds = entry["__REALTIME_TIMESTAMP"]?.text.flatMap({ Int64($0) }),
                let message = entry["MESSAGE"]?.text
            else { continue }
            let unit = entry["_SYSTEMD_UNIT"]?.text, pid = entry["_PID"]?.text
            var metadata: [String: String] = [:]
            metadata["unit"] = unit
            metadata["pid"] = pid
            events.append(
                EventRecord(
                    time: Date(timeIntervalSince1970: TimeInterval(microseconds) / 1_000_000), logName: "journal",
                    source: entry["SYSLOG_IDENTIFIER"]?.text ?? unit ?? entry["_COMM"]?.text, eventId: nil,
                    level: level(priority: entry["PRIORITY"]?.text),
                    message: message.trimmed(), metadata: metadata.isEmpty ? nil : metadata))
        }
        return (events, lastCursor)
    }

    /// syslog priorities: 0–2 (emerg, alert, crit) critical, 3 error, 4 warning, 5–7 info.
    static func level(priority: String?) -> String {
        switch priority.flatMap({ Int($0) }) {
        case .some(0...2): "critical"
        case 3: "error"
        case 4: "warning"
        default: "info"
        }
    }
}

/// The cursor read by the last collect, until it is committed.
private actor PendingCursor {
    var cursor: String?

    func set(_ cursor: String?) { self.cursor = cursor }

    func take() -> String? {
        defer { cursor = nil }
        return cursor
    }
}
