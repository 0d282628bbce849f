import Foundation
import Hummingbird
import OptralisCore

/// Reading the dashboard's HTML forms (`application/x-www-form-urlencoded`) and checking their
/// CSRF token.
enum Forms {
    /// The fields by name; of a name sent several times (checkboxes), the last.
    static func read(_ request: Request, context: WebRequestContext) async throws -> [String: String] {
        var fields: [String: String] = [:]
        for (name, value) in try await pairs(request, context: context) { fields[name] = value }
        return fields
    }

    /// Every field in order, repeated names included.
    static func pairs(_ request: Request, context: WebRequestContext) async throws -> [(name: String, value: String)] {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        return String(buffer: body).split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String { String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            guard let name = parts.first else { return nil }
            return (decode(name), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The form's token against the expected one (never an empty one), in constant time.
    static func sameToken(_ presented: String?, _ expected: String) -> Bool {
        guard let presented, !expected.isEmpty else { return false }
        return ConstantTime.equals(presented, expected)
    }

    /// Where to go after logging in: a path of this site only (`/machines/…`), never `//evil`.
    static func safeNext(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.hasPrefix("/\\"), !raw.contains("\r"), !raw.contains("\n") else { return "/" }
        return raw
    }
}
