import Foundation
import OptralisCore

/// One OTLP span as the api keeps it (table `apm_spans`), whichever encoding brought it.
struct OTLPSpan: Sendable, Equatable {
    /// 32 lowercase hex digits; 16 for the span ids.
    var traceID = ""
    var spanID = ""
    var parentSpanID: String?
    var name = ""
    /// OTLP `SpanKind`: 0 unspecified … 5 consumer.
    var kind = 0
    var serviceName: String?
    var startUnixNano: UInt64 = 0
    var endUnixNano: UInt64 = 0
    /// OTLP `StatusCode`: 0 unset, 1 ok, 2 error.
    var statusCode = 0
    var statusMessage: String?
    /// Scalar attributes only (arrays, maps and bytes are dropped), the resource's under the span's.
    var attributes: [String: OTLPValue] = [:]
}

/// A scalar OTLP `AnyValue`.
enum OTLPValue: Sendable, Equatable, Codable {
    case string(String), bool(Bool), int(Int64), double(Double)

    /// From the stored `jsonb`: a boolean, an integer, a number or a string, in that order.
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        // JSON has no NaN or infinity: written as text.
        case .double(let value): if value.isFinite { try container.encode(value) } else { try container.encode(String(value)) }
        }
    }
}

/// The bounds of an OTLP request (both encodings): past them the request is refused whole (400),
/// strings are cut.
enum OTLPLimits {
    /// Bytes of one request body (413 past it).
    static let maximumBody = 4 * 1024 * 1024
    static let maximumSpans = 5_000
    static let maximumDataPoints = 5_000
    /// Attributes kept per span, resource attributes included; the rest are dropped.
    static let maximumAttributes = 64
    static let nameBytes = 256
    static let keyBytes = 128
    static let valueBytes = 1024
    /// Attributes read per attribute list before the request is refused (what is kept is ``maximumAttributes``).
    static let maximumAttributesRead = 1_000
}

/// What an OTLP body can be refused for (400 with the code).
struct OTLPError: Error {
    let message: String
    let code: String

    static func invalid(_ message: String) -> OTLPError { OTLPError(message: message, code: "INVALID_OTLP") }
    static let tooManySpans = OTLPError(message: "at most \(OTLPLimits.maximumSpans) spans a request", code: "TOO_MANY_SPANS")
    static let tooManyPoints = OTLPError(message: "at most \(OTLPLimits.maximumDataPoints) data points a request", code: "TOO_MANY_DATA_POINTS")

    var appError: AppError { AppError.badRequest(message, code: code) }
}

extension OTLPSpan {
    /// Checks what the decoders cannot: ids of the right size and not all zero, an end not before
    /// the start, times a PostgreSQL `BIGINT` holds.
    func validated() throws -> OTLPSpan {
        guard traceID.count == 32, traceID != String(repeating: "0", count: 32) else {
            throw OTLPError.invalid("a span's trace_id must be 16 bytes, not all zero")
        }
        guard spanID.count == 16, spanID != String(repeating: "0", count: 16) else { throw OTLPError.invalid("a span's span_id must be 8 bytes, not all zero") }
        guard parentSpanID.map({ $0.count == 16 }) ?? true else { throw OTLPError.invalid("a span's parent_span_id must be empty or 8 bytes") }
        guard !name.isEmpty else { throw OTLPError.invalid("a span needs a name") }
        guard startUnixNano > 0, endUnixNano >= startUnixNano, endUnixNano <= UInt64(Int64.max) else {
            throw OTLPError.invalid("a span's end_time_unix_nano must not be before its start_time_unix_nano (both after 1970)")
        }
        guard (0...5).contains(kind), (0...2).contains(statusCode) else { throw OTLPError.invalid("a span's kind or status code is out of range") }
        return self
    }

    /// Adds a resource's attributes under the span's own, within ``OTLPLimits/maximumAttributes``.
    mutating func merge(resource: [String: OTLPValue]) {
        if case .string(let service)? = resource["service.name"] { serviceName = service }
        for (key, value) in resource.sorted(by: { $0.key < $1.key }) where attributes[key] == nil && attributes.count < OTLPLimits.maximumAttributes {
            attributes[key] = value
        }
    }

    static func hex(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]] }
        return String(decoding: out, as: UTF8.self)
    }
}
