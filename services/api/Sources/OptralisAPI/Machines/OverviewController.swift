import Foundation
import Hummingbird
import OptralisCore

/// `GET /api/overview`: the fleet at a glance — machines online, offline and alerting (a rule
/// fired in the last hour), the average health score, OS and agent-version breakdowns, and the
/// top problems (offline, a disk over 90 %, a failing disk, a non-compliant OS, a certificate
/// expiring within 30 days), most serious first.
struct OverviewController {
    let store: OverviewStore

    struct Overview: ResponseEncodable {
        let total: Int
        let online: Int
        let offline: Int
        let alerting: Int
        let maintenance: Int
        let averageHealthScore: Double?
        let operatingSystems: [OverviewStore.Count]
        let agentVersions: [OverviewStore.Count]
        let topProblems: [OverviewStore.Problem]
        enum CodingKeys: String, CodingKey {
            case total, online, offline, alerting, maintenance
            case averageHealthScore = "average_health_score", operatingSystems = "operating_systems", agentVersions = "agent_versions"
            case topProblems = "top_problems"
        }
    }

    func addRoutes(to router: RouterGroup<APIRequestContext>) {
        router.get("overview") { _, context -> Overview in
            let clientID = try context.requireIdentity().requireClient()
            async let counts = store.counts(clientID)
            async let systems = store.breakdown(clientID, by: .operatingSystem)
            async let versions = store.breakdown(clientID, by: .agentVersion)
            async let problems = store.problems(clientID)
            let (total, online, alerting, maintenance, health) = try await counts
            return Overview(
                total: total, online: online, offline: total - online, alerting: alerting, maintenance: maintenance, averageHealthScore: health,
                operatingSystems: try await systems, agentVersions: try await versions, topProblems: try await problems)
        }
    }
}
