import Foundation
import Hummingbird
import OptralisCore
import OptralisServer

/// The admin Docker routes' inputs, checked before anything reaches the engine.
enum DockerInput {
    /// A container id (64 hex digits, or a prefix of them) or name: Docker's name charset
    /// `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, here at most 128 characters. Nothing else can make its way
    /// into the engine's URL (no `/`, `?`, `%` or `..` trick).
    static func containerID(_ context: APIRequestContext) throws -> String {
        let raw = try context.parameters.require("id")
        guard (1...128).contains(raw.utf8.count), let first = raw.unicodeScalars.first, isAlphanumeric(first),
            raw.unicodeScalars.allSatisfy({ isAlphanumeric($0) || "_.-".unicodeScalars.contains($0) })
        else {
            throw AppError.validation("id must be a container id or name: 1 to 128 letters, digits, _ . or -, starting with a letter or digit")
        }
        return raw
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar))
    }

    /// `true`/`false` (or `1`/`0`); `defaultValue` when absent.
    static func bool(_ query: Parameters, _ name: String, default defaultValue: Bool) throws -> Bool {
        guard let raw = query[Substring(name)] else { return defaultValue }
        switch raw.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw AppError.validation("\(name) must be true or false")
        }
    }

    /// `since`: Unix seconds or an ISO 8601 date-time, passed to the engine as Unix seconds.
    static func since(_ query: Parameters) throws -> Int? {
        guard let raw = query["since"] else { return nil }
        if let seconds = Int(raw), (0...Self.latestSeconds).contains(seconds) { return seconds }
        if let date = ISO8601Input.date(String(raw)), let seconds = Int(exactly: date.timeIntervalSince1970.rounded(.down)),
            (0...Self.latestSeconds).contains(seconds)
        {
            return seconds
        }
        throw AppError.validation("since must be Unix seconds or an ISO 8601 date-time between 1970 and 2100")
    }

    /// 2100-01-01T00:00:00Z.
    static let latestSeconds = 4_102_444_800
}
