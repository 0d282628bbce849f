import Foundation
import HTTPTypes
import Hummingbird
import OptralisCore
import OptralisServer

extension HTTPField.Name {
    /// The client an internal call acts for (set by the api from the user's token).
    static let clientID = Self("X-Client-ID")!
    /// On a 304, whose body HTTP drops: `NO_NEW_DATA` or `NO_SIGNIFICANT_CHANGES`.
    static let analysisCode = Self("X-Optralis-Code")!
    /// On a 304: when the last analysis ran (ISO 8601).
    static let lastAnalysis = Self("X-Optralis-Last-Analysis")!
}

/// The `/ai/*` routes: internal (`X-Internal-Token`), each acting for the client in `X-Client-ID`.
struct AIController: Sendable {
    let healthScore: HealthScoreAnalysis
    let quota: QuotaStore
    let access: AIAccess

    /// `{"machine_id": "…", "language": "fr"}`.
    struct MachineRequest: Decodable {
        let machineID: UUID
        let language: String?
        enum CodingKeys: String, CodingKey { case machineID = "machine_id", language }
    }

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
        group.post("health-score") { request, context -> Response in
            let clientID = try Self.clientID(request)
            let body = try await request.decode(as: MachineRequest.self, context: context)
            let outcome = try await healthScore.run(
                clientID: clientID, machineID: body.machineID, language: try Self.language(body.language), now: Date())
            return Self.response(outcome)
        }
        group.get("quota") { request, _ -> Response in
            let clientID = try Self.clientID(request)
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
        return json(AIJSON.data(QuotaReport(clientID: clientID, status: status)), status: .ok)
    }

    /// 400 `CLIENT_ID_REQUIRED` without a valid `X-Client-ID`.
    static func clientID(_ request: Request) throws -> UUID {
        guard let value = request.headers[.clientID], let id = UUID(uuidString: value) else {
            throw AppError.badRequest("the X-Client-ID header (a client UUID) is required", code: "CLIENT_ID_REQUIRED")
        }
        return id
    }

    static func language(_ value: String?) throws -> AILanguage? {
        guard let value else { return nil }
        guard let language = AILanguage(rawValue: value.lowercased()) else {
            throw AppError.validation("language must be fr or en (got \"\(value)\")")
        }
        return language
    }

    static func response<Report: Encodable & Sendable>(_ outcome: AnalysisOutcome<Report>) -> Response {
        switch outcome {
        case .completed(let report):
            return json(AIJSON.data(report), status: .ok)
        case .refused(let decision, let language):
            let body = decision.body(language: language).map { AIJSON.data($0) } ?? Data("{}".utf8)
            var response = json(body, status: HTTPResponse.Status(code: decision.status))
            switch decision {
            case .noNewData(let last):
                response.headers[.analysisCode] = "NO_NEW_DATA"
                response.headers[.lastAnalysis] = last.formatted(.iso8601)
            case .noSignificantChanges(_, let last):
                response.headers[.analysisCode] = "NO_SIGNIFICANT_CHANGES"
                response.headers[.lastAnalysis] = last.formatted(.iso8601)
            default:
                break
            }
            return response
        }
    }

    private static func json(_ body: Data, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
