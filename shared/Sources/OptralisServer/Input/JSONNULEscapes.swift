import Foundation

/// `\u0000` escapes in a JSON text: valid JSON, but PostgreSQL's text types cannot hold a NUL.
/// Both functions walk the escapes rather than search the bytes, so `\\u0000` (a backslash, then
/// the text "u0000") is not taken for one.
public enum JSONNULEscapes {
    private static let escape = Array(#"\u0000"#.utf8)

    public static func contains(_ body: some Collection<UInt8>) -> Bool {
        firstEscape(in: Array(body)) != nil
    }

    /// The body with each NUL escape replaced by U+FFFD (the agent's data is kept, not refused).
    public static func replacingEscapes(in body: Data) -> Data {
        var bytes = [UInt8](body)
        var from = 0
        while let index = firstEscape(in: bytes, from: from) {
            bytes.replaceSubrange(index..<index + escape.count, with: Array(#"\ufffd"#.utf8))
            from = index + escape.count
        }
        return Data(bytes)
    }

    private static func firstEscape(in bytes: [UInt8], from start: Int = 0) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            guard bytes[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            if index + escape.count <= bytes.count, bytes[index..<index + escape.count].elementsEqual(escape) { return index }
            index += 2  // an escape is at least two characters
        }
        return nil
    }
}
