import Foundation
import Hummingbird
import OptralisCore
import OptralisServer

/// `/api/ai/analyses`: the client's past analyses (`ai_analysis_results`, which the AI service
/// writes), newest first, and one with its full result. Observers read them, as they may run
/// analyses; no licence gate, as the basic analyses have none.
struct AIAnalysesController {
    let analyses: AIAnalysisStore

    struct Listed: ResponseEncodable { let analyses: [AIAnalysisStore.Analysis] }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get { request, context -> Listed in
            let clientID = try context.requireIdentity().requireClient()
            let query = request.uri.queryParameters
            return Listed(
                analyses: try await analyses.list(
                    clientID: clientID, machineID: try query.uuid("machine_id"), limit: try query.integer("limit", default: 20, in: 1...100)))
        }
        group.get(":id") { _, context -> AIAnalysisStore.Analysis in
            let clientID = try context.requireIdentity().requireClient()
            guard let analysis = try await analyses.find(id: try Validation.pathID(context), clientID: clientID) else { throw APIError.notFound("analysis") }
            return analysis
        }
    }
}

extension AIAnalysisStore.Analysis: ResponseEncodable {}
