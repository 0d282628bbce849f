import Foundation

/// `\u0000` escapes in a JSON text: valid JSON, but PostgreSQL's text types cannot hold a NUL.
/// A body without the six bytes anywhere (nearly every one: this runs on every request and every
/// agent post) is answered by one search, without a copy. Otherwise the escapes are walked rather
/// than the bytes searched, so `\\u0000` (a backslash, then the text "u0000") is not taken for one.
public enum JSONNULEscapes {
    private static let escape = Array(#"\u0000"#.utf8)
    private static let escapeData = Data(escape)

    public static func contains(_ body: Data) -> Bool {
        body.range(of: escapeData) != nil && firstEscape(in: [UInt8](body)) != nil
    }

    /// The body with each NUL escape replaced by U+FFFD (the agent's data is kept, not refused).
    public static func replacingEscapes(in body: Data) -> Data {
        guard body.range(of: escapeData) != nil else { return body }
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
            index += 2 // an escape is at least two characters
        }
        return nil
    }
}
