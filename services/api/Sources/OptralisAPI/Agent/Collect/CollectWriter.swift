import Foundation
import Logging
import OptralisCore
import OptralisPostgres
import PostgresNIO
import Synchronization

/// Writes a batch of collect posts in one prepared statement (``CollectSQL/store``): the replay
/// check on the sequence numbers and every table's rows (each table's rows travel as one JSON
/// array expanded by `json_to_recordset`). The statement writes all or nothing: when a post is a
/// retry of one already stored, or its (machine, kind) has no replay mark yet (its first post),
/// it writes nothing and says which; the retries are then left out, the missing marks created,
/// and the statement runs again on the rest. Returns, per item, whether it was stored (false: a
/// retry of a post already stored).
///
/// One statement rather than a transaction of several: a batch is one round trip and no
/// planning (it was BEGIN, the claim, a statement built for the tables present, and COMMIT; the
/// built statement was planned on every write). The tables a batch has no rows for get `[]`.
struct CollectWriter: Sendable {
    let database: PostgresClient
    let logger: Logger
    private let inventories = KnownInventory()

    init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    func write(_ items: [CollectItem]) async throws -> [Bool] {
        var stored = [Bool](repeating: false, count: items.count)
        // Each pass that stores nothing either leaves out a retry or creates the marks it lacked
        // (a mark goes only with its machine, and then creating it fails), so this ends.
        var pending = Array(items.indices)
        try await database.withConnection { connection in
            while !pending.isEmpty {
                let verdicts = try await store(pending.map { items[$0] }, on: connection)
                if verdicts.allSatisfy(\.accepted) {
                    for post in pending { stored[post] = true }
                    return
                }
                let unmarked = Set(
                    verdicts.filter { !$0.marked }.map { items[pending[$0.post]] }.map { SequenceKey(machineID: $0.machineID, kind: $0.payload.kind) })
                if !unmarked.isEmpty { try await connection.query(Self.statement(CollectSQL.newMarks, unmarked.sorted()), logger: logger) }
                pending = verdicts.filter { $0.accepted || !$0.marked }.map { pending[$0.post] }
            }
        }
        return stored
    }

    /// One pass of ``CollectSQL/store`` over `items`; each verdict's `post` is an index in `items`.
    private func store(_ items: [CollectItem], on connection: PostgresConnection) async throws -> [(post: Int, accepted: Bool, marked: Bool)] {
        let rows = CollectRows(items)
        // A machine's `machine_inventory` row is created by its first inventory post, before the
        // statement that updates it; an empty row is harmless if that statement then fails.
        let created = rows.inventory.keys.filter { !inventories.contains($0) }.sorted { $0.uuidString < $1.uuidString }
        if !created.isEmpty {
            try await connection.query(try Self.statement(CollectSQL.inventoryRows, created), logger: logger)
            inventories.insert(created)
        }
        let posts = items.indices.map {
            ClaimedPost(post: $0, machineID: items[$0].machineID, kind: items[$0].payload.kind, sequence: items[$0].payload.sequence)
        }
        let statement = StoreStatement(tables: [
            JSONRows.text(posts), JSONRows.text(rows.metrics), try Self.json(rows.disks), try Self.json(rows.smart), try Self.json(rows.events),
            JSONRows.text(Array(rows.snapshots.values)), JSONRows.text(Array(rows.inventory.values)), try Self.json(rows.databases),
            try Self.json(rows.apmProbes),
        ])
        var verdicts: [(post: Int, accepted: Bool, marked: Bool)] = []
        for try await (post, accepted, marked) in try await connection.execute(statement, logger: logger) where items.indices.contains(post) {
            verdicts.append((post, accepted, marked))
        }
        return verdicts
    }

    /// The machines whose `machine_inventory` row this replica saw created or already there.
    /// Nothing deletes one but its machine's deletion, after which the machine posts no more.
    private final class KnownInventory: Sendable {
        private let machines = Mutex(Set<UUID>())

        func contains(_ machine: UUID) -> Bool { machines.withLock { $0.contains(machine) } }

        func insert(_ created: [UUID]) {
            guard !created.isEmpty else { return }
            machines.withLock { known in
                if known.count > 1_000_000 { known.removeAll() }
                known.formUnion(created)
            }
        }
    }

    private struct SequenceKey: Hashable, Encodable, Comparable, Sendable {
        let machineID: UUID
        let kind: CollectKind
        enum CodingKeys: String, CodingKey { case machineID = "machine_id", kind }
        static func < (a: Self, b: Self) -> Bool { (a.machineID.uuidString, a.kind.rawValue) < (b.machineID.uuidString, b.kind.rawValue) }
    }

    private struct ClaimedPost: JSONRow {
        let post: Int
        let machineID: UUID
        let kind: CollectKind
        let sequence: Int64

        func write(to row: inout JSONRows.Object) {
            row.field("post", post)
            row.field("machine_id", machineID)
            row.field("kind", kind.rawValue)
            row.field("sequence", sequence)
        }
    }

    /// ``CollectSQL/store`` prepared once per connection: planning the claim alone took about
    /// 1.5 ms of PostgreSQL's time per batch, as much as storing 40 posts.
    private struct StoreStatement: PostgresPreparedStatement {
        static let sql = CollectSQL.store
        typealias Row = (Int, Bool, Bool)
        /// In the order of ``CollectSQL/store``'s parameters.
        let tables: [String]

        func makeBindings() -> PostgresBindings {
            var binds = PostgresBindings(capacity: tables.count)
            for table in tables { binds.append(table) }
            return binds
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    private static func statement(_ sql: String, _ rows: [some Encodable]) throws -> PostgresQuery {
        var binds = PostgresBindings(capacity: 1)
        binds.append(try json(rows))
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    private static func json(_ rows: [some Encodable]) throws -> String {
        rows.isEmpty ? "[]" : String(decoding: try encoder.encode(rows), as: UTF8.self)
    }

    /// Dates as ``timestamp(_:)`` writes them.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }()

    /// `2026-11-22T04:58:01.512000Z`: to the microsecond (PostgreSQL's precision), rounded rather
    /// than truncated: a `Double` holding .512 s may be .51199… and must not be stored as .511.
    static func timestamp(_ date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var (seconds, fraction) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        if fraction < 0 { (seconds, fraction) = (seconds - 1, fraction + 1_000_000) }
        let whole = UTCTimestamp.iso8601(Date(timeIntervalSince1970: TimeInterval(seconds))).dropLast() // "…T04:58:01"
        let digits = String(fraction)
        return "\(whole).\(String(repeating: "0", count: 6 - digits.count))\(digits)Z"
    }
}

/// The statements of ``CollectWriter``; a table's rows are one JSON array of row objects.
enum CollectSQL {
    /// `$1`: the posts (`post` index, machine, kind, sequence); then the rows of `metrics`,
    /// `disk_info`, `smart_data`, `event_logs`, `machine_collector_data`, `machine_inventory`, the
    /// monitored databases (their samples and their latest) and `apm_probes`. Locks each
    /// (machine, kind) mark of `agent_collect_sequences` (in key order, so concurrent batches
    /// cannot deadlock) and judges each post: accepted when its (machine,
    /// kind) has a mark and its sequence is above both that mark and the sequences of the same
    /// (machine, kind) before it in the batch. When every post is accepted, raises the marks to the
    /// batch's highest sequences and writes every table's rows; otherwise writes nothing. Answers
    /// each post: accepted, and whether its (machine, kind) had a mark.
    ///
    /// Every table is reached by its key, a probe per row (the marks through `LATERAL`, the rest
    /// by the keyed pools' planner settings, ``DatabaseURL/clientConfiguration(maximumConnections:genericPlans:)``),
    /// so a write costs what its batch holds whatever the tables' sizes were when it was planned.
    static let store: String = {
        let tables = [
            insert(into: "metrics", metricColumns), disks, smart, events, snapshots, inventory, databaseSamples,
            databaseLatest, apmProbes,
        ]
        // The databases' samples and latest read the same parameter.
        let parameters = [2, 3, 4, 5, 6, 7, 8, 8, 9]
        let writes = zip(tables, parameters).enumerated().map { index, table in
            let rows = "(CASE WHEN (SELECT whole FROM clean) THEN $\(table.1)::json ELSE '[]'::json END)"
            return "w\(index) AS (\(table.0.replacingOccurrences(of: "$1::json", with: rows)))"
        }
        return """
            WITH locked AS MATERIALIZED (
                SELECT p.*, x.last_sequence AS previous,
                       max(p.sequence) OVER (PARTITION BY p.machine_id, p.kind ORDER BY p.post ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier
                FROM (
                    SELECT * FROM json_to_recordset($1::json) AS p(post int4, machine_id uuid, kind text, sequence int8)
                    ORDER BY machine_id, kind, post OFFSET 0
                ) p LEFT JOIN LATERAL (
                    SELECT x.last_sequence FROM agent_collect_sequences x WHERE x.machine_id = p.machine_id AND x.kind = p.kind FOR UPDATE
                ) x ON true
            ), verdicts AS MATERIALIZED (
                SELECT post, previous IS NOT NULL AS marked, (previous IS NOT NULL AND sequence > GREATEST(previous, earlier)) AS accepted FROM locked
            ), clean AS MATERIALIZED (
                SELECT COALESCE(bool_and(accepted), false) AS whole FROM verdicts
            ), raised AS (
                UPDATE agent_collect_sequences s SET last_sequence = GREATEST(s.last_sequence, h.highest), updated_at = now()
                FROM (SELECT machine_id, kind, max(sequence) AS highest FROM locked GROUP BY machine_id, kind) h
                WHERE s.machine_id = h.machine_id AND s.kind = h.kind AND (SELECT whole FROM clean)
            ), \(writes.joined(separator: ", "))
            SELECT post, accepted, marked FROM verdicts
            """
    }()
    static let newMarks = """
        INSERT INTO agent_collect_sequences (machine_id, kind, last_sequence)
        SELECT machine_id, kind, 0 FROM json_to_recordset($1::json) AS r(machine_id uuid, kind text) ORDER BY machine_id, kind
        ON CONFLICT (machine_id, kind) DO NOTHING
        """
    static let metricColumns =
        "machine_id uuid, recorded_at timestamptz, cpu_percent float8, ram_percent float8, ram_used_bytes int8, ram_total_bytes int8, "
        + "swap_percent float8, uptime_seconds int8, cpu_temp float8, process_count int4, load_1 float8, load_5 float8, "
        + "load_15 float8, disk_read_bytes_per_sec float8, disk_write_bytes_per_sec float8, disk_latency_ms float8, "
        + "io_wait_percent float8, bytes_recv float8, bytes_sent float8, packet_loss float8, latency_ms float8"
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
    /// A probe of an application another machine probes (or that was deleted) is dropped; the
    /// first of two probes at one instant is kept.
    static let apmProbes = """
        INSERT INTO apm_probes (application_id, machine_id, recorded_at, up, status_code, response_time_ms, tls_days_left, error_count, error)
        SELECT r.application_id, r.machine_id, r.recorded_at, r.up, r.status_code, r.response_time_ms, r.tls_days_left, r.error_count, r.error
        FROM json_to_recordset($1::json) AS r(application_id uuid, machine_id uuid, recorded_at timestamptz, up bool, status_code int4,
             response_time_ms float8, tls_days_left int4, error_count int4, error text)
        JOIN apm_applications a ON a.id = r.application_id AND a.machine_id = r.machine_id
        ON CONFLICT (application_id, recorded_at) DO NOTHING
        """

    /// The columns of a monitored database's sample (``DatabaseRow``).
    static let databaseColumns =
        "database_id uuid, machine_id uuid, recorded_at timestamptz, connections_active int4, connections_idle int4, query_time_avg_ms float8, "
        + "slow_queries_count int8, deadlocks_count int8, cache_hit_ratio float8, replication_lag_ms float8, slow_queries jsonb, missing jsonb, error text"
    /// A sample is kept only for a database set on the posting machine: an agent cannot write
    /// another machine's (or another client's) database. Counters as sent.
    static let databaseSamples = """
        INSERT INTO database_metrics (database_id, machine_id, recorded_at, connections_active, connections_idle, query_time_avg_ms,
                                      slow_queries_count, deadlocks_count, cache_hit_ratio, replication_lag_ms)
        SELECT r.database_id, r.machine_id, r.recorded_at, r.connections_active, r.connections_idle, r.query_time_avg_ms, r.slow_queries_count,
               r.deadlocks_count, r.cache_hit_ratio, r.replication_lag_ms
        FROM json_to_recordset($1::json) AS r(\(databaseColumns))
        JOIN monitored_databases d ON d.id = r.database_id AND d.machine_id = r.machine_id
        ON CONFLICT (database_id, recorded_at) DO NOTHING
        """
    /// The latest sample's slow queries, missing figures and error, on the database's row.
    static let databaseLatest = """
        UPDATE monitored_databases d SET slow_queries = COALESCE(s.slow_queries, '[]'), missing = COALESCE(s.missing, '[]'), last_error = s.error,
               last_collected_at = s.recorded_at
        FROM (SELECT DISTINCT ON (r.database_id) r.* FROM json_to_recordset($1::json) AS r(\(databaseColumns)) ORDER BY r.database_id, r.recorded_at DESC) s
        WHERE d.id = s.database_id AND d.machine_id = s.machine_id AND (d.last_collected_at IS NULL OR d.last_collected_at <= s.recorded_at)
        """

    static let inventoryRows = """
        INSERT INTO machine_inventory (machine_id) SELECT value::uuid FROM json_array_elements_text($1::json) ON CONFLICT (machine_id) DO NOTHING
        """

    /// Each collector's columns change only when that collector is in the batch (`has_*`).
    static let inventory: String = {
        let groups: [(flag: String, columns: String)] = [
            ("has_network", "network_interfaces jsonb"),
            ("has_services", "services_total int4, services_running int4, services_failed int4, all_services jsonb, failed_services jsonb"),
            (
                "has_security",
                "antivirus_name text, antivirus_version text, antivirus_enabled bool, antivirus_updated bool, firewall_enabled bool, "
                    + "bitlocker_enabled bool, secure_boot_enabled bool, ports_open int4, ports_risky_open int4, all_ports jsonb, risky_ports_details jsonb"
            ),
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
