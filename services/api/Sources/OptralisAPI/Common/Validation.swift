import Foundation
import Hummingbird
import OptralisCore
import OptralisServer

/// Input rules of the spec ("Validation des Entrées"). Lengths count code points, as
/// PostgreSQL's `VARCHAR(n)` does (Swift's `String.count` counts grapheme clusters: a letter and
/// its combining mark are one).
enum Validation {
    /// ``EmailAddress/isValid(_:)``, the rule the services share.
    static func isEmail(_ value: String) -> Bool { EmailAddress.isValid(value) }

    static func name(_ value: String?, field: String, maximum: Int = 100) throws -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.unicodeScalars.count <= maximum else { throw APIError.validation("\(field) must be at most \(maximum) characters") }
        return trimmed
    }

    static func language(_ value: String?) throws -> String? {
        guard let value else { return nil }
        guard ["fr", "en"].contains(value) else { throw APIError.validation("language must be fr or en") }
        return value
    }

    static func date(_ text: String) -> Date? { ISO8601Input.date(text) }

    /// The path's `:id` as a UUID; a malformed one is a 400, not a 500.
    static func pathID(_ context: APIRequestContext, _ name: String = "id") throws -> UUID {
        guard let id = context.parameters.get(name).flatMap(UUID.init(uuidString:)) else { throw APIError.validation("the \(name) must be a UUID") }
        return id
    }

    /// `#RRGGBB` (groups, labels).
    static func color(_ raw: String?) throws -> String? {
        guard let raw else { return nil }
        guard raw.wholeMatch(of: /#[0-9A-Fa-f]{6}/) != nil else { throw APIError.validation("color must be #RRGGBB") }
        return raw
    }

    /// Trimmed, 1 to `maximum` characters; nil stays nil.
    static func text(_ raw: String?, field: String, maximum: Int) throws -> String? {
        guard let raw else { return nil }
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...maximum).contains(value.unicodeScalars.count) else { throw APIError.validation("\(field) must be 1 to \(maximum) characters") }
        return value
    }

    /// The largest value of PostgreSQL's `integer`, the type of the count and limit columns.
    static let maximumInteger = Int(Int32.max)

    /// `value` within `range`, else 400 naming `field`.
    static func integer(_ value: Int, field: String, in range: ClosedRange<Int>) throws {
        guard range.contains(value) else { throw APIError.validation("\(field) must be from \(range.lowerBound) to \(range.upperBound)") }
    }

    /// Machines changed at once by the fleet routes (labels, groups).
    static let maximumBatch = 100
}
