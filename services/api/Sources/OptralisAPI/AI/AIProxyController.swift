import Foundation
import HTTPTypes
import Hummingbird
import OptralisCore
import OptralisCurl

/// `/api/ai/<path>`: the AI service's `/ai/<path>` endpoints for dashboard users. The api
/// authenticates the user and sends the request on with the client of the user's token in
/// `X-Client-ID` (a client id the caller sends is never used) and `X-Internal-Token`; the answer
/// (status, JSON or HTML, `Retry-After`, the 304's `X-Optralis-Code`) comes back as the AI service
/// gave it. Analyses are open to observers (they change nothing but the quota), report generation to admins; `quota/set` is the
/// super_admin's, who names the client in the body.
struct AIProxyController {
    /// `AI_SERVICE_URL`.
    let baseURL: String
    let token: String
    let http: CurlClient

    /// The AI service's endpoints for a client (its `/ai/…` routes).
    static let routes: [(method: HTTPRequest.Method, path: String)] = [
        (.get, "quota"), (.post, "health-score"), (.post, "analyze/trends"), (.post, "analyze/anomalies"), (.post, "analyze/logs"),
        (.post, "analyze/full"), (.post, "recommendations"), (.post, "scripts/generate"), (.post, "analyze/degradation"),
        (.post, "analyze/intermittent"), (.post, "correlate"), (.post, "predictive/maintenance"),
        (.post, "reports/generate"), (.get, "reports"), (.get, "reports/:id"), (.get, "reports/:id/download"),
    ]

    /// The POST paths observers may call (``TenantMiddleware/readingPosts``): the analyses, not
    /// report generation, which stores a report and mails it.
    static var analysisPosts: Set<String> {
        Set(routes.filter { $0.method == .post && $0.path != "reports/generate" }.map { "/api/ai/\($0.path)" })
    }

    func addRoutes(tenant: RouterGroup<APIRequestContext>, gated: RouterGroup<APIRequestContext>) {
        for route in Self.routes {
            tenant.on(RouterPath("ai/\(route.path)"), method: route.method) { request, context -> Response in
                try await forward(request, context, clientID: try context.requireIdentity().requireClient())
            }
        }
        gated.post("ai/quota/set") { request, context -> Response in
            let identity = try context.requireIdentity()
            guard identity.role == .superAdmin, identity.impersonatedBy == nil else {
                throw APIError.forbidden("setting a client's AI quota is for the super_admin")
            }
            struct QuotaSet: Codable {
                let clientID: UUID
                let monthlyLimit: Int
                var setBy: UUID?
                enum CodingKeys: String, CodingKey { case clientID = "client_id", monthlyLimit = "monthly_limit", setBy = "set_by" }
            }
            var body = try await request.decode(as: QuotaSet.self, context: context)
            body.setBy = identity.userID
            return try await forward(request, context, clientID: body.clientID, body: ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
    }

    private func forward(_ request: Request, _ context: APIRequestContext, clientID: UUID, body given: ByteBuffer? = nil) async throws -> Response {
        let body = if let given { given } else { try await request.body.collect(upTo: context.maxUploadSize) }
        var target = baseURL + request.uri.path.dropFirst("/api".count)
        if let query = request.uri.query, !query.isEmpty { target += "?" + query }
        var headers: [(name: String, value: String)] = [
            ("X-Client-ID", clientID.uuidString.lowercased()), ("X-Internal-Token", token),
            ("X-User-ID", try context.requireIdentity().userID.uuidString.lowercased()),
            ("X-Request-ID", context.id),
        ]
        if let type = request.headers[.contentType] { headers.append(("Content-Type", type)) }
        if let language = request.headers[.acceptLanguage] { headers.append(("Accept-Language", language)) }
        let method = OutboundRequest.Method(rawValue: request.method.rawValue) ?? .get
        let answer: OutboundResponse
        do {
            // An analysis with Claude's narrative takes up to a minute.
            answer = try await http.send(
                OutboundRequest(
                    method: method, url: target, headers: headers, body: method == .get ? nil : Array(buffer: body), timeout: .seconds(120)))
        } catch {
            throw AIError.unavailable
        }
        var fields = HTTPFields()
        for name in ["Content-Type", "Content-Disposition", "Retry-After", "Cache-Control", "X-Optralis-Code", "X-Optralis-Last-Analysis"] {
            if let value = answer.header(name), let field = HTTPField.Name(name) { fields[field] = value }
        }
        return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
