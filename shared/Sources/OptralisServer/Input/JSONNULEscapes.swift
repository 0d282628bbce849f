#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// `\u0000` escapes in a JSON text: valid JSON, but PostgreSQL's text types cannot hold a NUL.
/// This runs on every request with a body and every agent post, and nearly no body has one: the
/// bytes are read in place, jumping from backslash to backslash (`memchr`), without a copy. The
/// escapes are walked rather than the six bytes searched, so `\\u0000` (a backslash, then the
/// text "u0000") is not taken for one. (`Data.range(of:)`, used before, was the slowest part.)
public enum JSONNULEscapes {
    private static let escape = Array(#"\u0000"#.utf8)

    public static func contains(_ body: Data) -> Bool {
        body.withUnsafeBytes { firstEscape(in: $0) } != nil
    }

    /// The body with each NUL escape replaced by U+FFFD (the agent's data is kept, not refused).
    public static func replacingEscapes(in body: Data) -> Data {
        guard contains(body) else { return body }
        var bytes = [UInt8](body)
        var from = 0
        while let index = bytes.withUnsafeBytes({ firstEscape(in: $0, from: from) }) {
            bytes.replaceSubrange(index..<index + escape.count, with: Array(#"\ufffd"#.utf8))
            from = index + escape.count
        }
        return Data(bytes)
    }

    /// Where the first `\u0000` escape from `start` begins. A backslash always starts an escape
    /// of at least two characters, so the search for the next one resumes two bytes on.
    static func firstEscape(in bytes: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var index = start
        while index + 1 < bytes.count {
            guard let found = memchr(base + index, Int32(UInt8(ascii: "\\")), bytes.count - index) else { return nil }
            index = base.distance(to: UnsafeRawPointer(found))
            if index + escape.count <= bytes.count, escape.indices.allSatisfy({ bytes[index + $0] == escape[$0] }) { return index }
            index += 2
        }
        return nil
    }
}
