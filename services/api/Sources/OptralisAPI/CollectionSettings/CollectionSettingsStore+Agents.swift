import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// `collection_settings` as the agents see them: the settings that apply to one machine (its
/// own, its labels' — any value or the machine's value —, its group's, the client's global ones).
extension CollectionSettingsStore {
    func applicable(machineID: UUID, clientID: UUID) async throws -> [CollectionIntervals.Setting] {
        var settings: [CollectionIntervals.Setting] = []
        for try await row in try await database.query(
            """
            SELECT cs.id, cs.name, cs.scope, cs.priority, cs.intervals::text, cs.collectors_enabled::text
            FROM collection_settings cs
            JOIN machines m ON m.id = \(machineID) AND m.client_id = cs.client_id
            WHERE cs.client_id = \(clientID) AND (
                cs.scope = 'global'
                OR (cs.scope = 'machine' AND cs.machine_id = m.id)
                OR (cs.scope = 'group' AND cs.group_id = m.group_id)
                OR (cs.scope = 'label' AND EXISTS (
                    SELECT 1 FROM machine_labels ml
                    WHERE ml.machine_id = m.id AND ml.label_id = cs.label_id AND (cs.label_value IS NULL OR ml.value = cs.label_value))))
            """, logger: logger
        ).decode((UUID, String, String, Int, String, String).self) {
            settings.append(
                CollectionIntervals.Setting(
                    id: row.0, name: row.1, scope: row.2, priority: row.3,
                    intervals: (try? JSONDecoder().decode([String: Int].self, from: Data(row.4.utf8))) ?? [:],
                    enabled: (try? JSONDecoder().decode([String: Bool].self, from: Data(row.5.utf8))) ?? [:]))
        }
        return settings
    }

    /// Records the sync and hands over a pending force-collect request (cleared as it is read).
    func recordSync(machineID: UUID, clientID: UUID) async throws -> (forceCollect: Bool, maintenance: Bool, channel: String) {
        for try await row in try await database.query(
            """
            UPDATE machines m SET last_config_sync = now(), force_collect_requested_at = NULL
            FROM (SELECT id, force_collect_requested_at IS NOT NULL AS forced FROM machines WHERE id = \(machineID) FOR NO KEY UPDATE) old
            WHERE m.id = old.id AND m.client_id = \(clientID)
            RETURNING old.forced, m.maintenance_mode, m.update_channel
            """, logger: logger
        ).decode((Bool, Bool, String).self) {
            return row
        }
        throw APIError.machineGone
    }
}
