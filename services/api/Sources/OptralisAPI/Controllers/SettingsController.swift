import Foundation
import Hummingbird
import Logging
import OptralisCore
import PostgresNIO

/// `GET /api/settings`: the caller's client, its licence limits and usage, and the fixed
/// thresholds the dashboard explains (online window, heartbeat intervals, label limits). The
/// client part is cached under `client:id:<uuid>` (5 min), the machine count under
/// `machines:count:<uuid>` (1 min).
struct SettingsController {
    let client: PostgresClient
    let clients: ClientSettingsReader
    let cache: FleetCache
    let logger: Logger

    struct Limits: Encodable {
        let offlineAfterMinutes = MachineQueries.onlineMinutes
        let heartbeatSeconds = HeartbeatService.normalSeconds
        let heartbeatUnderLoadSeconds = HeartbeatService.underLoadSeconds
        let labelsPerMachine = LabelRepository.maximumPerMachine
        let machinesPerBatch = Validation.maximumBatch
        enum CodingKeys: String, CodingKey {
            case offlineAfterMinutes = "offline_after_minutes", heartbeatSeconds = "heartbeat_seconds",
                heartbeatUnderLoadSeconds = "heartbeat_under_load_seconds", labelsPerMachine = "labels_per_machine",
                machinesPerBatch = "machines_per_batch"
        }
    }

    struct Settings: ResponseEncodable {
        let client: ClientSettingsReader.ClientSettings
        let machineCount: Int
        let limits = Limits()
        enum CodingKeys: String, CodingKey { case client, machineCount = "machine_count", limits }
    }

    func addRoutes(to router: RouterGroup<APIRequestContext>) {
        router.get("settings") { _, context -> Settings in
            let clientID = try context.requireIdentity().requireClient()
            async let settings = clients.settings(clientID)
            async let count = cache.value(.machineCount(clientID)) { try await machineCount(clientID) }
            return Settings(client: try await settings, machineCount: try await count)
        }
    }

    private func machineCount(_ clientID: UUID) async throws -> Int {
        try await client.query("SELECT count(*)::int FROM machines WHERE client_id = \(clientID)", logger: logger)
            .decode(Int.self).reduce(into: 0) { $0 = $1 }
    }
}
