import Foundation
import Hummingbird
import OptralisCore

/// Typed reads of a query string, bounded where they are read: a value out of its range is a
/// 400 `VALIDATION_ERROR` naming the parameter, never a number that traps further on (Swift
/// stops the whole process on an arithmetic overflow).
extension Parameters {
    /// The parameter as an integer in `range`; `defaultValue` when it is absent.
    public func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let raw = self[Substring(name)] else { return defaultValue }
        guard let value = Int(raw), range.contains(value) else {
            throw AppError.validation("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// The parameter as text of at most `maximumLength` characters (counted as PostgreSQL counts
    /// them: code points); nil when absent or empty.
    public func text(_ name: String, maximumLength: Int) throws -> String? {
        guard let raw = self[Substring(name)], !raw.isEmpty else { return nil }
        guard raw.unicodeScalars.count <= maximumLength else {
            throw AppError.validation("\(name) must be at most \(maximumLength) characters")
        }
        return String(raw)
    }

    /// The parameter as a UUID; nil when absent.
    public func uuid(_ name: String) throws -> UUID? {
        guard let raw = self[Substring(name)] else { return nil }
        guard let value = UUID(uuidString: String(raw)) else { throw AppError.validation("\(name) must be a UUID") }
        return value
    }

    /// The parameter as an ISO 8601 date-time (``ISO8601Input``); nil when absent.
    public func date(_ name: String) throws -> Date? {
        guard let raw = self[Substring(name)] else { return nil }
        guard let value = ISO8601Input.date(String(raw)) else { throw AppError.validation("\(name) must be an ISO 8601 date-time") }
        return value
    }

    /// A path parameter, percent-decoded (the router hands them over as they are in the URL, so
    /// `pc-jos%C3%A9` would not find the machine `pc-josé`). Not for query parameters: those
    /// arrive decoded.
    public func decoded(_ name: String) throws -> String {
        guard let raw = self[Substring(name)] else { throw AppError.badRequest("\(name) is required") }
        guard let value = raw.removingPercentEncoding else { throw AppError.validation("\(name) is not a valid percent-encoded text") }
        return value
    }

    /// `page` (from 1) and `limit` (from 1 to `maximumLimit`).
    public func paging(defaultLimit: Int, maximumLimit: Int) throws -> Paging {
        Paging(
            page: try integer("page", default: 1, in: 1...Paging.maximumPage),
            limit: try integer("limit", default: defaultLimit, in: 1...maximumLimit))
    }
}

/// A page of a list, its bounds checked where it is read (``Parameters/paging(defaultLimit:maximumLimit:)``).
public struct Paging: Sendable, Equatable {
    /// Far beyond any list a tenant has.
    public static let maximumPage = 1_000_000
    /// For the routes that take an `offset` rather than a page.
    public static let maximumOffset = 100_000_000

    public var page: Int
    public var limit: Int

    public init(page: Int, limit: Int) {
        self.page = page
        self.limit = limit
    }

    /// `(page - 1) × limit`, saturated rather than trapping whatever the fields hold.
    public var offset: Int {
        guard page > 1, limit > 0 else { return 0 }
        let (product, overflow) = (page - 1).multipliedReportingOverflow(by: limit)
        return overflow ? Int.max : product
    }
}

/// Dates as requests carry them.
public enum ISO8601Input {
    /// An ISO 8601 date-time, with or without fractional seconds (`…T10:00:00Z`, `…T10:00:00.250Z`).
    public static func date(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
