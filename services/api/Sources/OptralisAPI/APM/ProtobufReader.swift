/// A bounded reader of the protobuf wire format (varint, 64-bit, length-delimited, 32-bit), for
/// the OTLP subset the api decodes by hand (``OTLPTraceDecoder``, ``OTLPMetricDecoder``): no
/// code generator, no reflection. Every length is checked against what is left before it is
/// used, a varint has at most 10 bytes, groups (wire types 3 and 4) are refused: a malformed or
/// truncated message throws ``ProtobufError`` and never reads out of bounds.
struct ProtobufReader {
    enum WireType: UInt8 { case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5 }

    private let bytes: ArraySlice<UInt8>
    private var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    var isAtEnd: Bool { index >= bytes.endIndex }

    /// The next field's number and wire type, or nil at the end of the message.
    mutating func nextField() throws -> (number: Int, wire: WireType)? {
        guard !isAtEnd else { return nil }
        let key = try varint()
        let number = key >> 3
        guard number >= 1, number <= 536_870_911 else { throw ProtobufError("field number out of range") }
        guard let wire = WireType(rawValue: UInt8(key & 7)) else { throw ProtobufError("unsupported wire type \(key & 7)") }
        return (Int(number), wire)
    }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 70, by: 7) {
            guard index < bytes.endIndex else { throw ProtobufError("truncated varint") }
            let byte = bytes[index]
            index += 1
            if shift == 63, byte > 1 { throw ProtobufError("varint overflows 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
        }
        throw ProtobufError("varint longer than 10 bytes")
    }

    mutating func fixed64() throws -> UInt64 {
        let raw = try take(8)
        return raw.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    mutating func fixed32() throws -> UInt32 {
        let raw = try take(4)
        return raw.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// A length-delimited field's bytes.
    mutating func lengthDelimited() throws -> ArraySlice<UInt8> {
        let length = try varint()
        guard length <= UInt64(bytes.endIndex - index) else { throw ProtobufError("length \(length) past the end of the message") }
        return try take(Int(length))
    }

    /// A string field: valid UTF-8 (proto3 requires it), at most `maximum` bytes kept (cut on a
    /// character boundary).
    mutating func string(maximum: Int) throws -> String {
        let raw = try lengthDelimited()
        guard let text = String(validating: raw, as: UTF8.self) else { throw ProtobufError("a string is not valid UTF-8") }
        return ProtobufReader.truncated(text, maximum: maximum)
    }

    /// A nested message, read by `body` on a reader of its own bytes.
    mutating func message<T>(_ body: (inout ProtobufReader) throws -> T) throws -> T {
        var nested = ProtobufReader(try lengthDelimited())
        return try body(&nested)
    }

    mutating func skip(_ wire: WireType) throws {
        switch wire {
        case .varint: _ = try varint()
        case .fixed64: _ = try take(8)
        case .lengthDelimited: _ = try lengthDelimited()
        case .fixed32: _ = try take(4)
        }
    }

    /// Checks the wire type a known field must have.
    static func expect(_ wire: WireType, _ expected: WireType, field: String) throws {
        guard wire == expected else { throw ProtobufError("\(field) has wire type \(wire.rawValue), expected \(expected.rawValue)") }
    }

    /// At most `maximum` UTF-8 bytes of `text`, on a character boundary; a NUL (which PostgreSQL
    /// cannot store) becomes U+FFFD.
    static func truncated(_ raw: String, maximum: Int) -> String {
        let text = raw.utf8.contains(0) ? raw.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : raw
        guard text.utf8.count > maximum else { return text }
        let utf8 = Array(text.utf8)
        var end = maximum
        while end > 0, utf8[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.endIndex - index else { throw ProtobufError("truncated field") }
        defer { index += count }
        return bytes[index..<index + count]
    }
}

/// A protobuf body the api cannot read: a 400 `INVALID_PROTOBUF`.
struct ProtobufError: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}
