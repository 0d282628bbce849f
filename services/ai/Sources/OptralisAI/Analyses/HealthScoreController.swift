import Foundation
import Hummingbird

/// `POST /ai/health-score`: internal (`X-Internal-Token`), acting for the client in `X-Client-ID`.
struct HealthScoreController: Sendable {
    let healthScore: HealthScoreAnalysis
    let access: AIAccess

    /// `{"machine_id": "…", "language": "fr"}`.
    struct MachineRequest: Decodable {
        let machineID: UUID
        let language: String?
        enum CodingKeys: String, CodingKey { case machineID = "machine_id", language }
    }

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let group = access.group(router)
        group.post("health-score") { request, context -> Response in
            let clientID = try AIRoute.clientID(request)
            let body = try await request.decode(as: MachineRequest.self, context: context)
            let outcome = try await healthScore.run(
                clientID: clientID, machineID: body.machineID, language: try AIRoute.language(body.language), now: Date())
            return AIRoute.response(outcome)
        }
    }
}
