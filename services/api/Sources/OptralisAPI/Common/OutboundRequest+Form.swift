import Foundation
import OptralisCurl

extension OutboundRequest {
    /// A POST of an HTML-form body (`application/x-www-form-urlencoded`), as Turnstile and
    /// UptimeRobot take their secrets: in the body, never in the URL.
    static func postForm(_ url: String, fields: [(name: String, value: String)], timeout: Duration) -> OutboundRequest {
        var form = URLComponents()
        form.queryItems = fields.map { URLQueryItem(name: $0.name, value: $0.value) }
        // URLComponents leaves `+` alone in a query; a form body needs it escaped.
        let body = (form.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return OutboundRequest(
            method: .post, url: url, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8), timeout: timeout)
    }
}
