#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// The agent's write-ahead spool: every post is numbered and written to disk before it is sent,
/// and removed only once the gateway has stored it (or recognised it as a duplicate). A gateway
/// outage, a crash or a reboot loses nothing but the post being built. One directory per
/// collector, files named by sequence, sent in order.
///
/// Bounded (`maximumBytes`, default 50 MB): beyond it the oldest posts are dropped and counted,
/// and the count is reported (then reset) by the next heartbeat. A file that cannot be read back
/// is dropped and counted as corrupt, not fatal.
public actor Spool {
    public let directory: String
    public let maximumBytes: Int
    private var sequences: [String: Int64] = [:]
    private(set) var dropped = 0
    private(set) var corrupt = 0

    /// Creates nothing yet: the first `append` makes the directories (and fails there if it can't).
    public init(directory: String, maximumBytes: Int = 50 * 1024 * 1024) {
        self.directory = directory
        self.maximumBytes = maximumBytes
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if let data = FileManager.default.contents(atPath: directory + "/sequences.json"),
            let saved = try? JSONDecoder().decode([String: Int64].self, from: data)
        {
            sequences = saved
        }
        // A crash after writing a post but before saving the counter: the files know better.
        for kind in Self.kinds(in: directory) {
            if let last = Self.files(directory + "/" + kind).last.flatMap(Self.sequence(of:)), last > sequences[kind] ?? 0 { sequences[kind] = last }
        }
    }

    /// A post with its sequence, as the gateway receives it.
    public struct Entry: Sendable {
        public let kind: String
        public let sequence: Int64
        public let path: String
    }

    /// Numbers and stores the post; returns its entry.
    @discardableResult
    public func append(kind: String, data: Data, collectedAt: Date = Date()) throws -> Entry {
        let sequence = (sequences[kind] ?? 0) + 1
        sequences[kind] = sequence
        try AgentFiles.write(try JSONEncoder().encode(sequences), to: directory + "/sequences.json")
        let stamp = collectedAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        var body = Data(#"{"collector":"\#(kind)","sequence":\#(sequence),"collected_at":"\#(stamp)","data":"#.utf8)
        body.append(data)
        body.append(Data("}".utf8))
        let path = "\(directory)/\(kind)/\(Self.fileName(sequence))"
        try AgentFiles.write(body, to: path)
        try enforceLimit()
        return Entry(kind: kind, sequence: sequence, path: path)
    }

    /// The oldest waiting post of `kind`.
    public func next(kind: String) -> Entry? {
        Self.files(directory + "/" + kind).first.flatMap { path in Self.sequence(of: path).map { Entry(kind: kind, sequence: $0, path: path) } }
    }

    /// The oldest waiting posts of every collector, for one batch post: each collector's in
    /// sequence order, the collectors taken in turn (a backlog of one cannot starve the others),
    /// at most `limit` posts and about `maximumBytes`.
    public func heads(limit: Int, maximumBytes: Int) -> [Entry] {
        var queues = Self.kinds(in: directory).map { kind in
            Self.files(directory + "/" + kind).prefix(limit).compactMap { path in Self.sequence(of: path).map { Entry(kind: kind, sequence: $0, path: path) } }[
                ...]
        }
        var taken: [Entry] = []
        var bytes = 0
        while taken.count < limit, queues.contains(where: { !$0.isEmpty }) {
            for index in queues.indices {
                guard taken.count < limit, let entry = queues[index].popFirst() else { continue }
                bytes += Self.size(entry.path)
                if bytes > maximumBytes && !taken.isEmpty { return taken }
                taken.append(entry)
            }
        }
        return taken
    }

    /// The post's body; nil (and the file dropped as corrupt) when it cannot be read back.
    public func body(of entry: Entry) -> Data? {
        guard let data = FileManager.default.contents(atPath: entry.path), (try? JSONDecoder().decode(JSONValue.self, from: data)) != nil else {
            corrupt += 1
            try? FileManager.default.removeItem(atPath: entry.path)
            return nil
        }
        return data
    }

    public func remove(_ entry: Entry) {
        try? FileManager.default.removeItem(atPath: entry.path)
    }

    /// Posts waiting and their size in bytes.
    public func usage() -> (posts: Int, bytes: Int) {
        let files = Self.kinds(in: directory).flatMap { Self.files(directory + "/" + $0) }
        return (files.count, files.reduce(0) { $0 + Self.size($1) })
    }

    /// Dropped and corrupt posts since the last call (the heartbeat reports them).
    public func takeLosses() -> (dropped: Int, corrupt: Int) {
        defer { (dropped, corrupt) = (0, 0) }
        return (dropped, corrupt)
    }

    private func enforceLimit() throws {
        var all = Self.kinds(in: directory).flatMap { kind in Self.files(directory + "/" + kind).map { ($0, Self.modified($0)) } }
        var total = all.reduce(0) { $0 + Self.size($1.0) }
        guard total > maximumBytes else { return }
        all.sort { $0.1 < $1.1 }
        for (path, _) in all where total > maximumBytes {
            total -= Self.size(path)
            try? FileManager.default.removeItem(atPath: path)
            dropped += 1
        }
    }

    static func kinds(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.contains(".") }.sorted()
    }

    static func files(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .sorted().map { directory + "/" + $0 }
    }

    /// `0000000000000000042.json`: zero-padded, so names sort in sequence order.
    static func fileName(_ sequence: Int64) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 19 - digits.count)) + digits + ".json"
    }

    static func sequence(of path: String) -> Int64? { Int64(path.lastPathComponent.dropLast(5)) }

    static func size(_ path: String) -> Int { SystemFiles().status(path)?.size ?? 0 }

    static func modified(_ path: String) -> Date {
        SystemFiles().status(path)?.modified ?? .distantPast
    }
}
