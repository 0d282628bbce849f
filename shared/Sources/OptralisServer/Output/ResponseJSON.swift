import Foundation
import Hummingbird

/// How every service writes JSON: ISO 8601 dates, slashes unescaped (`https://`, not
/// `https:\/\/`), and every UUID lowercase. Foundation writes a `UUID` uppercase while
/// PostgreSQL's `uuid::text` is lowercase, and a client comparing ids as strings would see two
/// spellings of one id.
public enum ResponseJSON {
    public static func encode(_ value: some Encodable, sortedKeys: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = sortedKeys ? [.withoutEscapingSlashes, .sortedKeys] : [.withoutEscapingSlashes]
        var bytes = [UInt8](try encoder.encode(value))
        lowercaseUUIDs(in: &bytes)
        return Data(bytes)
    }

    /// Lowercases every JSON string (value or key) that is exactly a UUID; nothing else changes.
    public static func lowercaseUUIDs(in bytes: inout [UInt8]) {
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
            let start = index + 1
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            if end - start == 36, isUUID(bytes[start..<end]) {
                for position in start..<end where (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(bytes[position]) {
                    bytes[position] += 32
                }
            }
            index = end + 1
        }
    }

    private static func isUUID(_ text: ArraySlice<UInt8>) -> Bool {
        for (offset, byte) in text.enumerated() {
            if [8, 13, 18, 23].contains(offset) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                        || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
                else { return false }
            }
        }
        return true
    }
}

/// The response encoder of every service's context (``ResponseJSON``).
public struct OptralisResponseEncoder: ResponseEncoder {
    public init() {}

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        let data = try ResponseJSON.encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .contentLength: "\(data.count)"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
