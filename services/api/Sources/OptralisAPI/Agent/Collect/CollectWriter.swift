import Foundation
import Logging
import OptralisCore
import OptralisPostgres
import PostgresNIO
import Synchronization

/// Writes a batch of collect posts: the replay check on the sequence numbers and the `metrics`
/// rows in one statement (``CollectSQL/claimAndStoreMetrics``), then one statement per other
/// table whatever the batch size (rows travel as one JSON array expanded by
/// `json_to_recordset`), all in one transaction; a batch of metrics posts only is that one
/// statement, atomic by itself, and needs no transaction. Returns, per item, whether it was
/// stored (false: a retry of a post already stored).
struct CollectWriter: Sendable {
    let database: PostgresClient
    let logger: Logger
    private let inventories = KnownInventory()

    init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    func write(_ items: [CollectItem]) async throws -> [Bool] {
        let rows = CollectRows(items)
        if items.allSatisfy({ $0.payload.kind == .metrics }) {
            return try await database.withConnection { try await claim(items, metrics: rows.metrics, on: $0) }
        }
        let (stored, created) = try await database.transaction(logger: logger) { connection in
            let stored = try await claim(items, metrics: rows.metrics, on: connection)
            // Built again only when a retry was left out (rare): the rows of the stored posts.
            var others = stored.allSatisfy { $0 } ? rows : CollectRows(zip(items, stored).filter(\.1).map(\.0))
            others.metrics = []
            return (stored, try await insert(others, on: connection))
        }
        inventories.insert(created)
        return stored
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

    /// Which of `items` are new, their marks raised and their `metrics` rows stored, in one
    /// statement. A (machine, kind) with no mark yet (its first post) gets one at 0, and its
    /// posts go through the statement again.
    private func claim(_ items: [CollectItem], metrics: [MetricRow], on connection: PostgresConnection) async throws -> [Bool] {
        var stored = [Bool](repeating: false, count: items.count)
        let unmarked = try await claim(Array(items.indices), of: items, metrics: metrics, into: &stored, on: connection)
        guard !unmarked.isEmpty else { return stored }
        let keys = Set(unmarked.map { SequenceKey(machineID: items[$0].machineID, kind: items[$0].payload.kind) }).sorted()
        try await connection.query(Self.statement(CollectSQL.newMarks, keys), logger: logger)
        _ = try await claim(unmarked, of: items, metrics: metrics, into: &stored, on: connection)
        return stored
    }

    /// The posts at `indices` through ``CollectSQL/claimAndStoreMetrics``; returns those whose
    /// (machine, kind) has no mark row.
    private func claim(
        _ indices: [Int], of items: [CollectItem], metrics: [MetricRow], into stored: inout [Bool], on connection: PostgresConnection
    ) async throws -> [Int] {
        let posts = indices.map { ClaimedPost(post: $0, machineID: items[$0].machineID, kind: items[$0].payload.kind, sequence: items[$0].payload.sequence) }
        let wanted = Set(indices)
        let statement = ClaimStatement(posts: JSONRows.text(posts), metrics: JSONRows.text(metrics.filter { wanted.contains($0.post) }))
        var unmarked: [Int] = []
        for try await (post, accepted, marked) in try await connection.execute(statement, logger: logger) {
            guard stored.indices.contains(post) else { continue }
            stored[post] = accepted
            if !marked { unmarked.append(post) }
        }
        return unmarked.sorted()
    }

    /// ``CollectSQL/claimAndStoreMetrics`` prepared once per connection: planning it took about
    /// 1.5 ms of PostgreSQL's time per batch, as much as storing 40 posts.
    private struct ClaimStatement: PostgresPreparedStatement {
        static let sql = CollectSQL.claimAndStoreMetrics
        typealias Row = (Int, Bool, Bool)
        let posts: String
        let metrics: String

        func makeBindings() -> PostgresBindings {
            var binds = PostgresBindings(capacity: 2)
            binds.append(posts)
            binds.append(metrics)
            return binds
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// The rows of every table but `metrics` in one statement (a data-modifying CTE per table).
    /// A machine's `machine_inventory` row is created by its first inventory post; the machines
    /// this replica saw one for (``KnownInventory``, filled once the transaction committed) skip
    /// that statement.
    private func insert(_ rows: CollectRows, on connection: PostgresConnection) async throws -> [UUID] {
        let created = rows.inventory.keys.filter { !inventories.contains($0) }.sorted { $0.uuidString < $1.uuidString }
        if !created.isEmpty { try await connection.query(try Self.statement(CollectSQL.inventoryRows, created), logger: logger) }
        // The samples and the latest sample of the monitored databases read the same rows.
        let databases = rows.databases.isEmpty ? "" : try Self.json(rows.databases)
        // In the order of CollectSQL.tables; each encoded only when it has rows.
        let tables: [(json: () throws -> String, empty: Bool)] = [
            ({ try Self.json(rows.disks) }, rows.disks.isEmpty),
            ({ try Self.json(rows.smart) }, rows.smart.isEmpty),
            ({ try Self.json(rows.events) }, rows.events.isEmpty),
            ({ JSONRows.text(Array(rows.snapshots.values)) }, rows.snapshots.isEmpty),
            ({ JSONRows.text(Array(rows.inventory.values)) }, rows.inventory.isEmpty),
            ({ databases }, rows.databases.isEmpty),
            ({ databases }, rows.databases.isEmpty),
            ({ try Self.json(rows.apmProbes) }, rows.apmProbes.isEmpty),
        ]
        var parts: [String] = []
        var binds = PostgresBindings(capacity: tables.count)
        for (table, (json, empty)) in tables.enumerated() where !empty {
            parts.append(CollectSQL.tables[table][parts.count])
            binds.append(try json())
        }
        guard !parts.isEmpty else { return created }
        let sql = parts.count == 1 ? parts[0] : "WITH " + parts.enumerated().map { "t\($0.offset) AS (\($0.element))" }.joined(separator: ", ") + " SELECT 1"
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        return created
    }

    private static func statement(_ sql: String, _ rows: some Encodable) throws -> PostgresQuery {
        var binds = PostgresBindings(capacity: 1)
        binds.append(try json(rows))
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    private static func json(_ rows: some Encodable) throws -> String {
        String(decoding: try encoder.encode(rows), as: UTF8.self)
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

/// The statements of ``CollectWriter``, one per table; `$1` is a JSON array of row objects.
enum CollectSQL {
    /// `$1`: the posts (`post` index, machine, kind, sequence); `$2`: their `metrics` rows, each
    /// with its post's index. Locks each (machine, kind) mark of `agent_collect_sequences` (in
    /// key order, so concurrent batches cannot deadlock), raises it to the batch's highest
    /// sequence, and accepts a post whose sequence is above both the mark it had and the
    /// sequences of the same (machine, kind) before it in the batch; inserts the accepted posts'
    /// `metrics` rows. Answers each post: accepted, and whether its (machine, kind) had a mark
    /// (`UPDATE … FROM (SELECT … FOR UPDATE)` returns the value before the update).
    static let claimAndStoreMetrics = """
        WITH posts AS (
            SELECT * FROM json_to_recordset($1::json) AS p(post int4, machine_id uuid, kind text, sequence int8)
        ), highest AS (
            SELECT machine_id, kind, max(sequence) AS sequence FROM posts GROUP BY machine_id, kind
        ), marks AS (
            UPDATE agent_collect_sequences s SET last_sequence = GREATEST(s.last_sequence, o.highest), updated_at = now()
            FROM (
                SELECT x.machine_id, x.kind, x.last_sequence AS previous, h.sequence AS highest
                FROM agent_collect_sequences x JOIN highest h ON x.machine_id = h.machine_id AND x.kind = h.kind
                ORDER BY x.machine_id, x.kind
                FOR UPDATE OF x
            ) o
            WHERE s.machine_id = o.machine_id AND s.kind = o.kind
            RETURNING s.machine_id, s.kind, o.previous
        ), ordered AS (
            SELECT p.*, max(p.sequence) OVER (PARTITION BY p.machine_id, p.kind ORDER BY p.post ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier
            FROM posts p
        ), accepted AS (
            SELECT o.post FROM ordered o JOIN marks m ON m.machine_id = o.machine_id AND m.kind = o.kind
            WHERE o.sequence > GREATEST(m.previous, COALESCE(o.earlier, 0))
        ), stored AS (
            \(insert(into: "metrics", metricColumns, from: "$2", where: "r.post IN (SELECT post FROM accepted)", extra: "post int4"))
        )
        SELECT p.post, a.post IS NOT NULL, m.kind IS NOT NULL
        FROM posts p LEFT JOIN accepted a ON a.post = p.post LEFT JOIN marks m ON m.machine_id = p.machine_id AND m.kind = p.kind
        """
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
    /// disk_info, smart_data, event_logs, machine_collector_data, machine_inventory, the
    /// databases' samples and latest, apm_probes: each statement with its rows as  … , the
    /// parameter it takes in a combined statement.
    static let tables: [[String]] = [disks, smart, events, snapshots, inventory, databaseSamples, databaseLatest, apmProbes].map { sql in
        (1...8).map { sql.replacingOccurrences(of: "$1::json", with: "$\($0)::json") }
    }
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

    private static func insert(
        into table: String, _ definitions: String, then suffix: String = "", from parameter: String = "$1", where condition: String? = nil,
        extra: String? = nil
    ) -> String {
        let columns = columnNames(definitions).joined(separator: ", ")
        let record = ([extra].compactMap { $0 } + [definitions]).joined(separator: ", ")
        return "INSERT INTO \(table) (\(columns)) SELECT \(columns) FROM json_to_recordset(\(parameter)::json) AS r(\(record))"
            + (condition.map { " WHERE \($0)" } ?? "") + " \(suffix)"
    }

    private static func columnNames(_ definitions: String) -> [String] {
        definitions.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0]) }
    }
}
