import Foundation
import Hummingbird
import OptralisCore

/// Input rules of the spec ("Validation des Entrées").
enum Validation {
    /// ``EmailAddress/isValid(_:)``, the rule the services share.
    static func isEmail(_ value: String) -> Bool { EmailAddress.isValid(value) }

    static func name(_ value: String?, field: String, maximum: Int = 100) throws -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= maximum else { throw APIError.validation("\(field) must be at most \(maximum) characters") }
        return trimmed
    }

    static func language(_ value: String?) throws -> String? {
        guard let value else { return nil }
        guard ["fr", "en"].contains(value) else { throw APIError.validation("language must be fr or en") }
        return value
    }

    /// An ISO 8601 date-time, with or without fractional seconds (`…T10:00:00Z`, `…T10:00:00.250Z`).
    static func date(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

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
        guard (1...maximum).contains(value.count) else { throw APIError.validation("\(field) must be 1 to \(maximum) characters") }
        return value
    }

    /// Machines changed at once by the fleet routes (labels, groups).
    static let maximumBatch = 100
}
