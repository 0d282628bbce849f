import Foundation
import Logging
import OptralisPostgres
import PostgresNIO

/// Writes a batch of collect posts in one transaction: replay check on the sequence numbers,
/// then one statement per table whatever the batch size (rows travel as one JSON array expanded
/// by `json_to_recordset`). Returns, per item, whether it was stored (false: a retry of a post
/// already stored).
struct CollectWriter: Sendable {
    let client: PostgresClient
    let logger: Logger

    func write(_ items: [CollectItem]) async throws -> [Bool] {
        try await client.transaction(logger: logger) { connection in
            let stored = try await claimSequences(items, on: connection)
            let rows = CollectRows(zip(items, stored).filter(\.1).map(\.0))
            try await insert(rows, on: connection)
            return stored
        }
    }

    private struct SequenceKey: Hashable, Encodable, Comparable {
        let machineID: UUID
        let kind: CollectKind
        enum CodingKeys: String, CodingKey { case machineID = "machine_id", kind }
        static func < (a: Self, b: Self) -> Bool { (a.machineID.uuidString, a.kind.rawValue) < (b.machineID.uuidString, b.kind.rawValue) }
    }

    private struct SequenceMark: Encodable {
        let machineID: UUID
        let kind: CollectKind
        let lastSequence: Int64
        enum CodingKeys: String, CodingKey { case machineID = "machine_id", kind, lastSequence = "last_sequence" }
    }

    /// Locks each (machine, kind) row of `agent_collect_sequences` (in key order, so concurrent
    /// batches cannot deadlock), accepts the items above the stored mark and raises the mark.
    private func claimSequences(_ items: [CollectItem], on connection: PostgresConnection) async throws -> [Bool] {
        let keys = Set(items.map { SequenceKey(machineID: $0.machineID, kind: $0.payload.kind) }).sorted()
        let locked = try await connection.query(
            Self.statement(
                """
                INSERT INTO agent_collect_sequences AS s (machine_id, kind, last_sequence)
                SELECT machine_id, kind, 0 FROM json_to_recordset($1::json) AS r(machine_id uuid, kind text)
                ON CONFLICT (machine_id, kind) DO UPDATE SET last_sequence = s.last_sequence
                RETURNING machine_id, kind, last_sequence
                """, keys), logger: logger)
        var marks: [SequenceKey: Int64] = [:]
        for try await (machine, kind, last) in locked.decode((UUID, String, Int64).self) {
            if let kind = CollectKind(rawValue: kind) { marks[SequenceKey(machineID: machine, kind: kind)] = last }
        }
        var raised: [SequenceKey: Int64] = [:]
        let stored = items.map { item in
            let key = SequenceKey(machineID: item.machineID, kind: item.payload.kind)
            guard item.payload.sequence > raised[key] ?? marks[key] ?? 0 else { return false }
            raised[key] = item.payload.sequence
            return true
        }
        if !raised.isEmpty {
            let updates = raised.map { SequenceMark(machineID: $0.key.machineID, kind: $0.key.kind, lastSequence: $0.value) }
            try await connection.query(
                Self.statement(
                    """
                    UPDATE agent_collect_sequences s SET last_sequence = r.last_sequence, updated_at = now()
                    FROM json_to_recordset($1::json) AS r(machine_id uuid, kind text, last_sequence int8)
                    WHERE s.machine_id = r.machine_id AND s.kind = r.kind
                    """, updates), logger: logger)
        }
        return stored
    }

    private func insert(_ rows: CollectRows, on connection: PostgresConnection) async throws {
        let statements: [(String, any Encodable & Sendable, Bool)] = [
            (CollectSQL.metrics, rows.metrics, rows.metrics.isEmpty),
            (CollectSQL.disks, rows.disks, rows.disks.isEmpty),
            (CollectSQL.smart, rows.smart, rows.smart.isEmpty),
            (CollectSQL.events, rows.events, rows.events.isEmpty),
            (CollectSQL.snapshots, Array(rows.snapshots.values), rows.snapshots.isEmpty),
            (CollectSQL.inventoryRows, rows.inventory.keys.sorted { $0.uuidString < $1.uuidString }, rows.inventory.isEmpty),
            (CollectSQL.inventory, Array(rows.inventory.values), rows.inventory.isEmpty),
        ]
        for (sql, values, empty) in statements where !empty {
            try await connection.query(try Self.statement(sql, values), logger: logger)
        }
    }

    private static func statement(_ sql: String, _ rows: some Encodable) throws -> PostgresQuery {
        var binds = PostgresBindings(capacity: 1)
        binds.append(String(decoding: try encoder.encode(rows), as: UTF8.self))
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// Dates to the microsecond (PostgreSQL's precision), rounded rather than truncated: a
    /// `Double` holding .512 s may be .51199… and must not be stored as .511.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
            var (seconds, fraction) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
            if fraction < 0 { (seconds, fraction) = (seconds - 1, fraction + 1_000_000) }
            let whole = Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601).dropLast()  // "…T04:58:01"
            let digits = String(fraction)
            var container = encoder.singleValueContainer()
            try container.encode("\(whole).\(String(repeating: "0", count: 6 - digits.count))\(digits)Z")
        }
        return encoder
    }()
}

/// The statements of ``CollectWriter``, one per table; `$1` is a JSON array of row objects.
enum CollectSQL {
    static let metrics = insert(
        into: "metrics",
        "machine_id uuid, recorded_at timestamptz, cpu_percent float8, ram_percent float8, ram_used_bytes int8, ram_total_bytes int8, "
            + "swap_percent float8, uptime_seconds int8, cpu_temp float8, process_count int4, load_1 float8, load_5 float8, "
            + "load_15 float8, disk_read_bytes_per_sec float8, disk_write_bytes_per_sec float8, disk_latency_ms float8, "
            + "io_wait_percent float8, bytes_recv float8, bytes_sent float8, packet_loss float8, latency_ms float8")
    static let disks = insert(
        into: "disk_info",
        "machine_id uuid, recorded_at timestamptz, mount_point text, device text, fs_type text, total_gb numeric, used_gb numeric, "
            + "used_percent numeric, model text, interface text")
    static let smart = insert(
        into: "smart_data",
        "machine_id uuid, recorded_at timestamptz, device text, model text, serial text, firmware text, smart_status text, "
            + "is_virtual bool, overall_health_test text, temperature int4, power_on_hours int8, power_cycle_count int8, "
            + "reallocated_sectors int8, current_pending_sectors int8, offline_uncorrectable int8, predicted_failure bool, attributes jsonb")
    static let events = insert(
        into: "event_logs", "machine_id uuid, recorded_at timestamptz, log_name text, source text, event_id int4, level text, message text, metadata jsonb")
    static let snapshots = insert(
        into: "machine_collector_data", "machine_id uuid, collector text, data jsonb, collected_at timestamptz",
        then: "ON CONFLICT (machine_id, collector) DO UPDATE SET data = EXCLUDED.data, collected_at = EXCLUDED.collected_at, updated_at = now()")
    static let inventoryRows = """
        INSERT INTO machine_inventory (machine_id) SELECT value::uuid FROM json_array_elements_text($1::json) ON CONFLICT (machine_id) DO NOTHING
        """

    /// Each collector's columns change only when that collector is in the batch (`has_*`).
    static let inventory: String = {
        let groups: [(flag: String, columns: String)] = [
            ("has_network", "network_interfaces jsonb"),
            ("has_services", "services_total int4, services_running int4, services_failed int4, all_services jsonb, failed_services jsonb"),
            ("has_security",
             "antivirus_name text, antivirus_version text, antivirus_enabled bool, antivirus_updated bool, firewall_enabled bool, "
                + "bitlocker_enabled bool, secure_boot_enabled bool, ports_open int4, ports_risky_open int4, all_ports jsonb, risky_ports_details jsonb"),
            ("has_software", "software_count int4, software_details jsonb, users_total int4, users_admin int4, users_details jsonb"),
            ("has_patches", "pending_updates int4, security_updates int4, reboot_required bool, patches_auto_update bool, patches_last_check timestamptz"),
        ]
        let assignments = groups.flatMap { group in
            columnNames(group.columns).map { "\($0) = CASE WHEN r.\(group.flag) THEN r.\($0) ELSE m.\($0) END" }
        }
        let definitions = ["machine_id uuid"] + groups.flatMap { ["\($0.flag) bool", $0.columns] }
        return """
            UPDATE machine_inventory m SET \(assignments.joined(separator: ", ")), updated_at = now()
            FROM json_to_recordset($1::json) AS r(\(definitions.joined(separator: ", ")))
            WHERE m.machine_id = r.machine_id
            """
    }()

    private static func insert(into table: String, _ definitions: String, then suffix: String = "") -> String {
        let columns = columnNames(definitions).joined(separator: ", ")
        return "INSERT INTO \(table) (\(columns)) SELECT \(columns) FROM json_to_recordset($1::json) AS r(\(definitions)) \(suffix)"
    }

    private static func columnNames(_ definitions: String) -> [String] {
        definitions.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0]) }
    }
}
