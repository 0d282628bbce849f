import Foundation
import Hummingbird
import OptralisCore
import OptralisReports

/// `GET /api/reports/summary/daily` (spec "Synthèse Quotidienne (Tous plans)"): the content of
/// the daily summary email, as of now, for every plan and every role of the client.
struct DailySummaryController {
    let summaries: DailySummaryStore

    func addRoutes(to router: RouterGroup<APIRequestContext>) {
        router.get("summary/daily") { _, context -> DailySummary in
            let clientID = try context.requireIdentity().requireClient()
            guard let summary = try await summaries.summary(clientID: clientID) else { throw APIError.notFound("client") }
            return summary
        }
    }
}

extension DailySummary: ResponseEncodable {}
