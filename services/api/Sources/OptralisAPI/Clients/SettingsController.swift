import Foundation
import Hummingbird
import OptralisCore

/// `GET /api/settings`: the caller's client, its licence limits and usage, the fixed
/// thresholds the dashboard explains (online window, heartbeat intervals, label limits) and the
/// daily summary setting. The client part is cached under `client:id:<uuid>` (5 min), the
/// machine count under `machines:count:<uuid>` (1 min); the daily summary is read as it is.
///
/// `PUT /api/settings` (admins; not in the spec, which has the summary's setting under
/// "Settings > Notifications > Synthèse quotidienne" without a route): changes the daily summary,
/// `{"daily_summary": {"enabled", "hour", "timezone", "recipients"}}`, absent fields kept, and
/// answers as `GET`.
struct SettingsController {
    let clients: ClientSettingsStore
    let cache: FleetCache
    let dailySummary: DailySummarySettingsStore
    let activity: ActivityLogger

    struct Limits: Encodable {
        let offlineAfterMinutes = MachineListStore.onlineMinutes
        let heartbeatSeconds = HeartbeatService.normalSeconds
        let heartbeatUnderLoadSeconds = HeartbeatService.underLoadSeconds
        let labelsPerMachine = LabelStore.maximumPerMachine
        let machinesPerBatch = Validation.maximumBatch
        enum CodingKeys: String, CodingKey {
            case offlineAfterMinutes = "offline_after_minutes", heartbeatSeconds = "heartbeat_seconds",
                heartbeatUnderLoadSeconds = "heartbeat_under_load_seconds", labelsPerMachine = "labels_per_machine",
                machinesPerBatch = "machines_per_batch"
        }
    }

    struct Settings: ResponseEncodable {
        let client: ClientSettingsStore.ClientSettings
        let machineCount: Int
        let limits = Limits()
        let dailySummary: DailySummarySettings
        enum CodingKeys: String, CodingKey { case client, machineCount = "machine_count", limits, dailySummary = "daily_summary" }
    }

    struct Change: Decodable {
        let dailySummary: DailySummarySettings.Change?
        enum CodingKeys: String, CodingKey { case dailySummary = "daily_summary" }
    }

    func addRoutes(to router: RouterGroup<APIRequestContext>) {
        router.get("settings") { _, context -> Settings in
            try await settings(try context.requireIdentity().requireClient())
        }
        // Observers are refused by TenantMiddleware (403 FORBIDDEN).
        router.put("settings") { request, context -> Settings in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            let body = try await request.decode(as: Change.self, context: context)
            guard let change = body.dailySummary else { throw APIError.validation("daily_summary is required") }
            let updated = try change.applied(to: try await dailySummary.read(clientID: clientID))
            try await dailySummary.write(updated, clientID: clientID)
            await activity.record(
                .system, "Synthèse quotidienne modifiée",
                metadata: [
                    "enabled": String(updated.enabled), "hour": String(updated.hour), "timezone": updated.timezone,
                    "recipients": String(updated.recipients.count),
                ],
                clientID: clientID, userID: identity.userID, ip: context.clientIP)
            return try await settings(clientID)
        }
    }

    private func settings(_ clientID: UUID) async throws -> Settings {
        async let settings = clients.settings(clientID)
        async let count = cache.value(.machineCount(clientID)) { try await clients.machineCount(clientID) }
        async let summary = dailySummary.read(clientID: clientID)
        return Settings(client: try await settings, machineCount: try await count, dailySummary: try await summary)
    }
}
