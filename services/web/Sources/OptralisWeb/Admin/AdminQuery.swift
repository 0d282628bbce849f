import Foundation

/// What the admin pages' lists share: query strings built from their filters, the client
/// filter's options, and the links to the previous and next page.
enum AdminQuery {
    /// `?a=1&b=2` from the pairs whose value is neither nil nor empty; "" when none is.
    static func string(_ pairs: [(String, String?)]) -> String {
        let items = pairs.compactMap { name, value in value.flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) } }
        guard !items.isEmpty else { return "" }
        var components = URLComponents()
        components.queryItems = items
        return "?" + (components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B") ?? "")
    }

    /// A query parameter that must be a UUID (lower-case), else nil.
    static func uuid(_ value: Substring?) -> String? {
        value.flatMap { UUID(uuidString: String($0)) }?.uuidString.lowercased()
    }

    /// A query parameter that must be one of `allowed`, else nil.
    static func choice(_ value: Substring?, in allowed: [String]) -> String? {
        value.map(String.init).flatMap { allowed.contains($0) ? $0 : nil }
    }

    /// `GET /api/admin/clients` as the options of a client filter.
    static func clients(_ reply: APIClient.Reply, selected: String?) -> [[String: Any]] {
        (reply.json["clients"] as? [[String: Any]] ?? []).map { client in
            ["id": client["id"] as? String ?? "", "name": client["name"] as? String ?? "", "current": (client["id"] as? String) == selected]
        }
    }

    /// `previous` and `next` links of a list of `total` rows, `limit` a page, on `page` (from 1).
    static func pager(_ path: String, filters: [(String, String?)], page: Int, limit: Int, total: Int) -> [String: Any] {
        var values: [String: Any] = ["page": page, "pages": max(1, (total + limit - 1) / limit)]
        if page > 1 { values["previous"] = path + string(filters + [("page", String(page - 1))]) }
        if page * limit < total { values["next"] = path + string(filters + [("page", String(page + 1))]) }
        return values
    }
}
