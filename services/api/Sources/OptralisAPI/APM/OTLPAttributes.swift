import Foundation

/// OTLP `KeyValue` attributes, protobuf and JSON: scalar values kept (keys and strings cut to
/// ``OTLPLimits``), arrays, maps and bytes dropped without being descended into.
enum OTLPAttributes {
    /// A `Resource` message's attributes.
    static func resource(_ reader: inout ProtobufReader) throws -> [String: OTLPValue] {
        var attributes: [String: OTLPValue] = [:]
        var read = 0
        while let (field, wire) = try reader.nextField() {
            guard field == 1 else {
                try reader.skip(wire)
                continue
            }
            try ProtobufReader.expect(wire, .lengthDelimited, field: "attributes")
            read += 1
            guard read <= OTLPLimits.maximumAttributesRead else { throw OTLPError.invalid("too many resource attributes") }
            if let (key, value) = try reader.message({ try keyValue(&$0) }), attributes.count < OTLPLimits.maximumAttributes { attributes[key] = value }
        }
        return attributes
    }

    /// One `KeyValue`; nil when its value is not a scalar (or absent).
    static func keyValue(_ reader: inout ProtobufReader) throws -> (String, OTLPValue)? {
        var key = ""
        var value: OTLPValue?
        while let (field, wire) = try reader.nextField() {
            switch field {
            case 1:
                try ProtobufReader.expect(wire, .lengthDelimited, field: "key")
                key = try reader.string(maximum: OTLPLimits.keyBytes)
            case 2:
                try ProtobufReader.expect(wire, .lengthDelimited, field: "value")
                value = try reader.message { try anyValue(&$0) }
            default: try reader.skip(wire)
            }
        }
        guard !key.isEmpty, let value else { return nil }
        return (key, value)
    }

    /// `AnyValue`: string 1, bool 2, int 3, double 4; array 5, map 6 and bytes 7 are skipped.
    private static func anyValue(_ reader: inout ProtobufReader) throws -> OTLPValue? {
        var value: OTLPValue?
        while let (field, wire) = try reader.nextField() {
            switch (field, wire) {
            case (1, .lengthDelimited): value = .string(try reader.string(maximum: OTLPLimits.valueBytes))
            case (2, .varint): value = .bool(try reader.varint() != 0)
            case (3, .varint): value = .int(Int64(bitPattern: try reader.varint()))
            case (4, .fixed64): value = .double(Double(bitPattern: try reader.fixed64()))
            case (1...4, _): throw ProtobufError("AnyValue field \(field) has the wrong wire type")
            default:
                try reader.skip(wire)
                value = nil
            }
        }
        return value
    }

    /// A JSON `attributes` array (absent: none).
    static func json(_ raw: Any?) throws -> [String: OTLPValue] {
        var attributes: [String: OTLPValue] = [:]
        let items = try OTLPJSON.array(raw, "attributes")
        guard items.count <= OTLPLimits.maximumAttributesRead else { throw OTLPError.invalid("too many attributes") }
        for item in items {
            let pair = try OTLPJSON.object(item, "attributes[]")
            let key = ProtobufReader.truncated(try OTLPJSON.string(pair["key"], "key"), maximum: OTLPLimits.keyBytes)
            guard !key.isEmpty, attributes.count < OTLPLimits.maximumAttributes, let value = try OTLPJSON.optionalObject(pair["value"], "value") else {
                continue
            }
            if let text = value["stringValue"] {
                attributes[key] = .string(ProtobufReader.truncated(try OTLPJSON.string(text, "stringValue"), maximum: OTLPLimits.valueBytes))
            } else if let flag = value["boolValue"] {
                guard let flag = flag as? Bool else { throw OTLPError.invalid("boolValue must be a boolean") }
                attributes[key] = .bool(flag)
            } else if let number = value["intValue"] {
                attributes[key] = .int(try OTLPJSON.signed(number, "intValue"))
            } else if let number = value["doubleValue"] {
                guard let number = number as? NSNumber else { throw OTLPError.invalid("doubleValue must be a number") }
                attributes[key] = .double(number.doubleValue)
            }
        }
        return attributes
    }
}

/// Reading the OTLP JSON encoding's values, each refusal a 400 naming the field.
enum OTLPJSON {
    /// Deeper than OTLP's own structure plus a nested attribute value or two: refused before parsing.
    static let maximumDepth = 32

    static func object(_ body: [UInt8]) throws -> [String: Any] {
        guard depth(body) <= maximumDepth else { throw OTLPError.invalid("the JSON nests deeper than \(maximumDepth) levels") }
        guard let root = try? JSONSerialization.jsonObject(with: Data(body)) else {
            throw OTLPError(message: "the body is not valid JSON", code: "INVALID_JSON")
        }
        return try object(root, "the body")
    }

    /// The deepest nesting of arrays and objects, strings skipped.
    static func depth(_ body: [UInt8]) -> Int {
        var (depth, deepest, inString, escaped) = (0, 0, false, false)
        for byte in body {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    static func object(_ raw: Any?, _ field: String) throws -> [String: Any] {
        guard let object = raw as? [String: Any] else { throw OTLPError.invalid("\(field) must be an object") }
        return object
    }

    static func optionalObject(_ raw: Any?, _ field: String) throws -> [String: Any]? {
        guard let raw, !(raw is NSNull) else { return nil }
        return try object(raw, field)
    }

    /// An array, empty when absent.
    static func array(_ raw: Any?, _ field: String) throws -> [Any] {
        guard let raw, !(raw is NSNull) else { return [] }
        guard let array = raw as? [Any] else { throw OTLPError.invalid("\(field) must be an array") }
        return array
    }

    /// A string, empty when absent.
    static func string(_ raw: Any?, _ field: String) throws -> String {
        guard let raw, !(raw is NSNull) else { return "" }
        guard let text = raw as? String else { throw OTLPError.invalid("\(field) must be a string") }
        return text
    }

    /// A hex id (case-insensitive), lowercased; empty when absent.
    static func hexID(_ raw: Any?, _ field: String) throws -> String {
        let text = try string(raw, field)
        guard text.utf8.count <= 32, text.utf8.count % 2 == 0, text.utf8.allSatisfy({ $0.isHexDigit }) else {
            throw OTLPError.invalid("\(field) must be hexadecimal (16 or 8 bytes)")
        }
        return text.lowercased()
    }

    /// An enum value (kind, status code): a small non-negative integer, 0 when absent.
    static func small(_ raw: Any?, _ field: String) throws -> Int {
        guard let raw, !(raw is NSNull) else { return 0 }
        guard let number = raw as? Int, (0...99).contains(number) else { throw OTLPError.invalid("\(field) must be a small integer") }
        return number
    }

    /// A `fixed64` (nanoseconds): a decimal string or an integer number.
    static func unsigned(_ raw: Any?, _ field: String) throws -> UInt64 {
        if let text = raw as? String, text.utf8.count <= 20, let value = UInt64(text) { return value }
        if let number = raw as? Int, number >= 0 { return UInt64(number) }
        throw OTLPError.invalid("\(field) must be a non-negative integer (a decimal string or a number)")
    }

    /// An `int64`: a decimal string or an integer number.
    static func signed(_ raw: Any?, _ field: String) throws -> Int64 {
        if let text = raw as? String, text.utf8.count <= 20, let value = Int64(text) { return value }
        if let number = raw as? Int { return Int64(number) }
        throw OTLPError.invalid("\(field) must be an integer (a decimal string or a number)")
    }
}

private extension UInt8 {
    var isHexDigit: Bool { (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self) }
}
