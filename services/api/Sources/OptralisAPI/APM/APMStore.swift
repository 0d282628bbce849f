import Foundation
import Logging
import OptralisCore
import PostgresNIO

/// `apm_applications`, their probes (`apm_probes`), spans (`apm_spans`) and OTLP metric points
/// (`apm_metric_points`). Every statement reached from a user route is scoped by client; the
/// OTLP routes reach an application by its ingest key's hash only.
struct APMStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    private static let select = """
        SELECT a.id, a.name, a.machine_id, m.hostname, a.url, a.interval_seconds, a.expected_status, a.timeout_seconds, a.journal_unit,
               a.ingest_key_prefix, a.created_at, a.updated_at,
               p.recorded_at, p.up, p.status_code, p.response_time_ms, p.tls_days_left, p.error_count, p.error, d.availability, d.response
        FROM apm_applications a JOIN machines m ON m.id = a.machine_id
        LEFT JOIN LATERAL (SELECT * FROM apm_probes x WHERE x.application_id = a.id ORDER BY x.recorded_at DESC LIMIT 1) p ON true
        LEFT JOIN LATERAL (
            SELECT 100.0 * avg(CASE WHEN y.up THEN 1 ELSE 0 END)::float8 AS availability, avg(y.response_time_ms)::float8 AS response
            FROM apm_probes y WHERE y.application_id = a.id AND y.recorded_at > now() - INTERVAL '24 hours'
        ) d ON true
        """

    private func applications(_ query: PostgresQuery) async throws -> [APMApplication] {
        var found: [APMApplication] = []
        let rows = try await database.query(query, logger: logger).decode(
            (
                UUID, String, UUID, String, String, Int, Int, Int, String?, String, Date, Date,
                Date?, Bool?, Int?, Double?, Int?, Int?, String?, Double?, Double?
            ).self)
        for try await row in rows {
            let latest = row.12.map { at in
                APMApplication.Probe(
                    recordedAt: at, up: row.13 ?? false, statusCode: row.14, responseTimeMs: row.15, tlsDaysLeft: row.16, errorCount: row.17,
                    error: row.18)
            }
            found.append(
                APMApplication(
                    id: row.0, name: row.1, machineID: row.2, machineHostname: row.3, url: row.4, intervalSeconds: row.5, expectedStatus: row.6,
                    timeoutSeconds: row.7, journalUnit: row.8, ingestKeyPrefix: row.9, latest: latest, availability24h: row.19,
                    responseTimeAvg24hMs: row.20, createdAt: row.10, updatedAt: row.11))
        }
        return found
    }

    func all(clientID: UUID) async throws -> [APMApplication] {
        try await applications("\(unescaped: Self.select) WHERE a.client_id = \(clientID) ORDER BY a.name")
    }

    func find(id: UUID, clientID: UUID) async throws -> APMApplication? {
        try await applications("\(unescaped: Self.select) WHERE a.id = \(id) AND a.client_id = \(clientID)").first
    }

    func count(clientID: UUID) async throws -> Int {
        try await database.query("SELECT count(*)::int FROM apm_applications WHERE client_id = \(clientID)", logger: logger).decode(Int.self).collect().first
            ?? 0
    }

    func ownsMachine(_ machineID: UUID, clientID: UUID) async throws -> Bool {
        try await !database.query("SELECT 1 FROM machines WHERE id = \(machineID) AND client_id = \(clientID)", logger: logger).decode(Int.self).collect()
            .isEmpty
    }

    func create(clientID: UUID, _ input: APMApplicationInput, key: APMIngestKey) async throws -> APMApplication {
        let id = try await unique(input.name ?? "") {
            try await database.query(
                """
                INSERT INTO apm_applications
                    (client_id, machine_id, name, url, interval_seconds, expected_status, timeout_seconds, journal_unit, ingest_key_hash, ingest_key_prefix)
                VALUES (\(clientID), \(input.machineID), \(input.name), \(input.url), \(input.intervalSeconds ?? 60), \(input.expectedStatus ?? 200),
                        \(input.timeoutSeconds ?? 10), \(input.journalUnit ?? nil), \(key.hash), \(key.prefix))
                RETURNING id
                """, logger: logger
            ).decode(UUID.self).collect()
        }
        return try await applications("\(unescaped: Self.select) WHERE a.id = \(id[0])")[0]
    }

    func update(id: UUID, clientID: UUID, _ input: APMApplicationInput) async throws -> APMApplication? {
        let clearUnit = input.journalUnit == .some(nil)
        let updated = try await unique(input.name ?? "") {
            try await database.query(
                """
                UPDATE apm_applications SET name = COALESCE(\(input.name), name), machine_id = COALESCE(\(input.machineID), machine_id),
                    url = COALESCE(\(input.url), url), interval_seconds = COALESCE(\(input.intervalSeconds), interval_seconds),
                    expected_status = COALESCE(\(input.expectedStatus), expected_status),
                    timeout_seconds = COALESCE(\(input.timeoutSeconds), timeout_seconds),
                    journal_unit = CASE WHEN \(clearUnit) THEN NULL ELSE COALESCE(\(input.journalUnit ?? nil), journal_unit) END, updated_at = now()
                WHERE id = \(id) AND client_id = \(clientID) RETURNING id
                """, logger: logger
            ).decode(UUID.self).collect()
        }
        guard let updated = updated.first else { return nil }
        return try await applications("\(unescaped: Self.select) WHERE a.id = \(updated)").first
    }

    func delete(id: UUID, clientID: UUID) async throws -> Bool {
        try await !database.query("DELETE FROM apm_applications WHERE id = \(id) AND client_id = \(clientID) RETURNING 1", logger: logger)
            .decode(Int.self).collect().isEmpty
    }

    func rotateKey(id: UUID, clientID: UUID, key: APMIngestKey) async throws -> Bool {
        try await !database.query(
            """
            UPDATE apm_applications SET ingest_key_hash = \(key.hash), ingest_key_prefix = \(key.prefix), updated_at = now()
            WHERE id = \(id) AND client_id = \(clientID) RETURNING 1
            """, logger: logger
        ).decode(Int.self).collect().isEmpty
    }

    /// The application and client an ingest key belongs to.
    func application(keyHash: String) async throws -> (id: UUID, clientID: UUID)? {
        try await database.query("SELECT id, client_id FROM apm_applications WHERE ingest_key_hash = \(keyHash)", logger: logger)
            .decode((UUID, UUID).self).collect().first.map { (id: $0.0, clientID: $0.1) }
    }

    private func unique<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
        try await MachinePlacement.uniqueName(APMError.exists(name), body)
    }
}
