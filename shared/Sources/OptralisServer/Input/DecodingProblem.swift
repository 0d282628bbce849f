import Foundation

/// A `DecodingError` said in the API's words: `machine_id is required`, `machine_id must be a
/// UUID`, `tier_level is out of range`, instead of Swift's `Coding key … not found.`
public struct DecodingProblem: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The body is not JSON at all.
        case notJSON
        case missing
        case wrongType
        /// A number beyond what its field holds (Swift's `Int`, or a smaller type chosen for the column).
        case outOfRange
        case invalidValue
    }

    public let kind: Kind
    /// The field as a JSON path (`admin.email`, `items[2].name`); empty for the body itself.
    public let field: String
    public let message: String

    public init(_ error: DecodingError) {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            self.init(.notJSON, field: "", message: "the request body is not valid JSON")
        case .dataCorrupted(let context):
            let field = Self.jsonPath(context.codingPath)
            let detail = context.debugDescription
            if detail.contains("UUID") {
                self.init(.wrongType, field: field, message: "\(field) must be a UUID")
            } else if detail.contains("ISO 8601") || detail.contains("ISO8601") {
                self.init(.wrongType, field: field, message: "\(field) must be an ISO 8601 date-time")
            } else if detail.contains("fit") || detail.contains("representable") {
                self.init(.outOfRange, field: field, message: "\(field) is out of range")
            } else {
                self.init(.invalidValue, field: field, message: "\(field) has an invalid value")
            }
        case .keyNotFound(let key, let context):
            let field = Self.jsonPath(context.codingPath + [key])
            self.init(.missing, field: field, message: "\(field) is required")
        case .valueNotFound(_, let context):
            let field = Self.jsonPath(context.codingPath)
            self.init(.missing, field: field, message: "\(field) is required")
        case .typeMismatch(let type, let context):
            let field = Self.jsonPath(context.codingPath)
            self.init(
                .wrongType, field: field, message: field.isEmpty ? "the request body must be \(Self.describe(type))" : "\(field) must be \(Self.describe(type))"
            )
        @unknown default:
            self.init(.invalidValue, field: "", message: "the request body is invalid")
        }
    }

    init(_ kind: Kind, field: String, message: String) {
        self.kind = kind
        self.field = field
        self.message = message
    }

    /// The same problem seen from inside one element of the array `array` (`posts[2].data.x`
    /// becomes `data.x`), for a body whose elements are answered one by one.
    public func relative(toElementOf array: String) -> DecodingProblem {
        guard field.hasPrefix(array + "["), let close = field.firstIndex(of: "]") else { return self }
        let prefix = String(field[...close])
        let inner = field[field.index(after: close)...].drop { $0 == "." }
        return DecodingProblem(
            kind, field: String(inner),
            message: inner.isEmpty ? message.replacingOccurrences(of: prefix, with: "the post") : message.replacingOccurrences(of: prefix + ".", with: ""))
    }

    public static func jsonPath(_ path: [any CodingKey]) -> String {
        path.reduce(into: "") { text, key in
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is Int16.Type, is UInt.Type, is UInt64.Type, is UInt32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is UUID.Type: "a UUID"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : String(describing: type).hasPrefix("Dictionary") ? "an object" : "well-formed"
        }
    }
}
