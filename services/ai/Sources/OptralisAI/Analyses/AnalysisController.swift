import Foundation
import Hummingbird
import OptralisCore
import OptralisServer

/// The `/ai/*` machine analyses beside the health score: `analyze/logs|anomalies|full|trends`,
/// `recommendations`, `scripts/generate`, and the advanced `analyze/degradation|intermittent`,
/// `correlate`, `predictive/maintenance` (Pro and above: the gate answers 403 `PREMIUM_REQUIRED`).
struct AnalysisController: Sendable {
    let analyses: MachineAnalyses
    let access: AIAccess

    /// `{"machine_id": "…", "language": "fr", "period_days": 7, "issue": "…"}`: the last two only
    /// where they apply.
    struct Body: Decodable {
        let machineID: UUID
        let language: String?
        let periodDays: Int?
        let issue: String?
        enum CodingKeys: String, CodingKey { case machineID = "machine_id", language, periodDays = "period_days", issue }
    }

    static let maximumIssueLength = 1000

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let group = access.group(router)
        route(group, "analyze/trends", analyses.trends)
        route(group, "analyze/anomalies", analyses.anomalies)
        route(group, "analyze/logs", analyses.logs)
        route(group, "analyze/full", analyses.full)
        route(group, "recommendations", analyses.recommendations)
        route(group, "scripts/generate", analyses.scripts)
        route(group, "analyze/degradation", analyses.degradation)
        route(group, "analyze/intermittent", analyses.intermittent)
        route(group, "correlate", analyses.correlate)
        route(group, "predictive/maintenance", analyses.predictiveMaintenance)
    }

    private func route<Context: RequestContext, Report: StoredAnalysisReport>(
        _ group: RouterGroup<Context>, _ path: RouterPath,
        _ analyse: @escaping @Sendable (MachineAnalyses.Request) async throws -> AnalysisOutcome<Report>
    ) {
        group.post(path) { request, context -> Response in
            let clientID = try AIRoute.clientID(request)
            let body = try await request.decode(as: Body.self, context: context)
            return AIRoute.response(try await analyse(try Self.request(body, clientID: clientID, now: Date())))
        }
    }

    static func request(_ body: Body, clientID: UUID, now: Date) throws -> MachineAnalyses.Request {
        if let days = body.periodDays, !PercentileTrend.standardWindows.contains(days) {
            throw AppError.validation("period_days must be 7 or 30 (got \(days))")
        }
        let issue = body.issue?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let issue, issue.count > maximumIssueLength {
            throw AppError.validation("issue must be at most \(maximumIssueLength) characters")
        }
        return MachineAnalyses.Request(
            clientID: clientID, machineID: body.machineID, language: try AIRoute.language(body.language), periodDays: body.periodDays,
            issue: issue?.isEmpty == true ? nil : issue, now: now)
    }
}
