import Foundation
import Hummingbird
import OptralisCore

/// `GET /ai/quota` and `POST /ai/quota/set`: internal (`X-Internal-Token`); the quota of the client
/// in `X-Client-ID`, or the one a super_admin sets through the api.
struct QuotaController: Sendable {
    let quota: QuotaStore
    let access: AIAccess

    /// `{"client_id": "…", "monthly_limit": 500}`; `set_by`, the acting user, is optional.
    struct QuotaSetRequest: Decodable {
        let clientID: UUID
        let monthlyLimit: Int
        let setBy: UUID?
        enum CodingKeys: String, CodingKey { case clientID = "client_id", monthlyLimit = "monthly_limit", setBy = "set_by" }
    }

    /// Custom limits stop here: ten times the largest licence's (Enterprise, 15,000).
    static let maximumMonthlyLimit = 150_000

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let group = access.group(router)
        group.get("quota") { request, _ -> Response in
            let clientID = try AIRoute.clientID(request)
            return try await Self.quotaResponse(clientID: clientID, quota: quota)
        }
        // The target client is in the body: the api lets only a super_admin (who has no client) call this.
        group.post("quota/set") { request, context -> Response in
            let body = try await request.decode(as: QuotaSetRequest.self, context: context)
            guard (0...Self.maximumMonthlyLimit).contains(body.monthlyLimit) else {
                throw AppError.validation("monthly_limit must be between 0 and \(Self.maximumMonthlyLimit)")
            }
            guard try await quota.setLimit(clientID: body.clientID, monthlyLimit: body.monthlyLimit, setBy: body.setBy) else {
                throw AppError.notFound("client not found", code: "CLIENT_NOT_FOUND")
            }
            return try await Self.quotaResponse(clientID: body.clientID, quota: quota)
        }
    }

    static func quotaResponse(clientID: UUID, quota: QuotaStore) async throws -> Response {
        guard let status = try await quota.status(clientID: clientID, now: Date()) else {
            throw AppError.notFound("client not found", code: "CLIENT_NOT_FOUND")
        }
        return AIRoute.json(AIJSON.data(QuotaReport(clientID: clientID, status: status)), status: .ok)
    }
}
