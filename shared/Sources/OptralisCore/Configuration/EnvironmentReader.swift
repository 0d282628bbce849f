#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads typed settings from environment variables and collects every problem it finds,
/// so a service that is misconfigured names all its missing variables in one message.
///
/// An empty variable counts as unset: `JWT_SECRET= make run` is the same as not setting it.
public struct EnvironmentReader: Sendable {
    private let values: [String: String]
    public private(set) var problems: [ConfigurationProblem] = []

    public init(_ values: [String: String]) {
        self.values = values
    }

    /// The raw value, or nil when unset or empty.
    public func value(_ name: String) -> String? {
        guard let value = values[name]?.trimmed(), !value.isEmpty else { return nil }
        return value
    }

    /// A variable the service cannot start without.
    public mutating func required(_ name: String, minimumLength: Int = 1, hint: String) -> String {
        guard let value = value(name) else {
            problems.append(.init(variable: name, reason: "is required: \(hint)"))
            return ""
        }
        if value.count < minimumLength {
            problems.append(
                .init(variable: name, reason: "must be at least \(minimumLength) characters (got \(value.count)): \(hint)"))
        }
        return value
    }

    public func string(_ name: String, default defaultValue: String) -> String {
        value(name) ?? defaultValue
    }

    public mutating func int(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        guard let raw = value(name) else { return defaultValue }
        guard let parsed = Int(raw), range.contains(parsed) else {
            problems.append(
                .init(variable: name, reason: "must be an integer in \(range.lowerBound)...\(range.upperBound) (got \"\(raw)\")"))
            return defaultValue
        }
        return parsed
    }

    public mutating func port(_ name: String, default defaultValue: Int) -> Int {
        int(name, default: defaultValue, range: 0...65535)
    }

    public mutating func bool(_ name: String, default defaultValue: Bool) -> Bool {
        guard let raw = value(name)?.lowercased() else { return defaultValue }
        switch raw {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default:
            problems.append(.init(variable: name, reason: "must be true or false (got \"\(raw)\")"))
            return defaultValue
        }
    }

    /// One of a fixed set of values, compared case-insensitively.
    public mutating func choice<T: RawRepresentable<String> & CaseIterable>(_ name: String, default defaultValue: T) -> T {
        guard let raw = value(name) else { return defaultValue }
        guard let parsed = T(rawValue: raw.lowercased()) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            problems.append(.init(variable: name, reason: "must be one of \(allowed) (got \"\(raw)\")"))
            return defaultValue
        }
        return parsed
    }

    /// Records a problem found by the caller's own validation (a URL that does not parse, say).
    public mutating func report(_ name: String, _ reason: String) {
        problems.append(.init(variable: name, reason: reason))
    }

    /// Throws a ``ConfigurationError`` naming every problem met so far.
    public func validate() throws(ConfigurationError) {
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
    }
}
