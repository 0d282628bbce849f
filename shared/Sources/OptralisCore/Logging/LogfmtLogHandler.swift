#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Synchronization

/// Writes one logfmt line per event to stdout:
/// `ts=2026-11-22T03:04:05.678Z level=info service=api request_id=… msg="request" status=200`.
///
/// `service` and `request_id` always come first so `grep request_id=abc` finds a request's
/// lines across services. Hummingbird's `hb.request.id` metadata is printed as `request_id`.
public struct LogfmtLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    private let service: String
    private let sink: LogSink

    public init(service: String, level: Logger.Level, sink: LogSink = .standardOutput) {
        self.service = service
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        sink.write(
            Self.format(
                date: Date(), level: event.level, service: service, message: event.message.description, metadata: merged))
    }

    static let renamedKeys = ["hb.request.id": "request_id"]

    static func format(
        date: Date, level: Logger.Level, service: String, message: String, metadata: Logger.Metadata
    ) -> String {
        var fields: [(String, String)] = []
        var requestID: String?
        for (key, value) in metadata {
            let name = renamedKeys[key] ?? key
            if name == "request_id" { requestID = value.description } else { fields.append((name, value.description)) }
        }
        fields.sort { $0.0 < $1.0 }
        var line = "ts=\(LogTimestamp.string(for: date)) level=\(level.rawValue) service=\(service)"
        if let requestID { line += " request_id=\(quoted(requestID))" }
        line += " msg=\(quoted(message))"
        for (key, value) in fields { line += " \(key)=\(quoted(value))" }
        return line
    }

    /// Quotes a value when it holds spaces, quotes, `=` or control characters, so each line stays one line.
    static func quoted(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains { scalar in
                scalar == " " || scalar == "\"" || scalar == "=" || scalar == "\\" || scalar.value < 0x20
            }
        guard needsQuotes else { return value }
        var escaped = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20: escaped += "\\u{\(String(scalar.value, radix: 16))}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}

/// Where log lines go; a lock keeps concurrent lines from interleaving.
public final class LogSink: Sendable {
    public static let standardOutput = LogSink(descriptor: STDOUT_FILENO)

    private let descriptor: Int32
    private let lock = Mutex(())

    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 {
                        if written < 0 && errno == EINTR { continue }
                        return
                    }
                    offset += written
                }
            }
        }
    }
}

enum LogTimestamp {
    /// RFC 3339 in UTC with milliseconds, formatted without Foundation formatters (hot path).
    static func string(for date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        let milliseconds = Int((interval - Double(seconds)) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }
}
