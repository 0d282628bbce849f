import Foundation
import Logging
import PostgresNIO

/// The spec's drift step 4, "Appel Claude API pour expliquer le drift détecté": after a drift
/// routine's refresh, each drifting metric without an explanation gets Claude's, stored in
/// `metric_baselines.drift_explanation` (kept while the drift lasts, so a drift is explained
/// once). Each explanation takes one quota unit; when the quota is spent, or without a Claude
/// key, nothing is asked. At most ``maximumPerRun`` per run.
struct DriftExplainer: Sendable {
    let claude: ClaudeClient
    let database: PostgresClient
    let logger: Logger

    static let maximumPerRun = 20

    /// A drifting, unexplained row of one of the client's machines.
    struct Unexplained: Sendable {
        var machineID: UUID
        var hostname: String
        var metric: String
        var mean: Double
        var deviation: Double
        var current: Double
        var zScore: Double
        var severity: String
    }

    /// How many explanations were written.
    @discardableResult
    func explain(clientID: UUID, machineIDs: [UUID], language: AILanguage, now: Date) async throws -> Int {
        guard claude.configuration.isConfigured, !machineIDs.isEmpty else { return 0 }
        let contexts = AnalysisContextStore(client: database, logger: logger)
        let quota = QuotaStore(client: database, logger: logger)
        var written = 0
        for row in try await unexplained(clientID: clientID, machineIDs: machineIDs) {
            guard try await quota.consume(clientID: clientID, cost: 1, now: now) else { break }
            let events = try await contexts.recentEvents(clientID: clientID, machineID: row.machineID, before: now, limit: 5)
            let prompt = PromptTemplate.driftExplanation.render(
                language,
                values: [
                    "hostname": row.hostname, "metric": row.metric, "current_value": Self.figure(row.current),
                    "baseline_mean": Self.figure(row.mean), "baseline_stddev": Self.figure(row.deviation), "z_score": Self.figure(row.zScore),
                    "severity": row.severity, "events": events.isEmpty ? "-" : events.map { "- \($0)" }.joined(separator: "\n"),
                ])
            do {
                let reply = try await claude.send(system: nil, messages: [.user(prompt)], maxTokens: 400)
                try await store(reply.text.trimmingCharacters(in: .whitespacesAndNewlines), for: row, clientID: clientID)
                written += 1
            } catch {
                logger.warning("ai drift not explained", metadata: ["optralis.machine_id": "\(row.machineID)", "metric": "\(row.metric)", "error": "\(error)"])
            }
        }
        return written
    }

    private func unexplained(clientID: UUID, machineIDs: [UUID]) async throws -> [Unexplained] {
        let rows = try await database.query(
            """
            SELECT b.machine_id, m.hostname, b.metric_type, b.baseline_mean::float8, b.baseline_stddev::float8, b.current_value::float8,
                   b.z_score::float8, b.drift_severity
            FROM metric_baselines b
            JOIN machines m ON m.id = b.machine_id AND m.client_id = \(clientID)
            WHERE b.machine_id = ANY(\(machineIDs)::uuid[]) AND b.drift_detected AND b.drift_explanation IS NULL
              AND b.current_value IS NOT NULL AND b.z_score IS NOT NULL
            ORDER BY abs(b.z_score) DESC
            LIMIT \(Self.maximumPerRun)
            """, logger: logger)
        var found: [Unexplained] = []
        for try await (machine, hostname, metric, mean, deviation, current, z, severity) in rows.decode(
            (UUID, String, String, Double, Double, Double, Double, String).self)
        {
            found.append(
                Unexplained(
                    machineID: machine, hostname: hostname, metric: metric, mean: mean, deviation: deviation, current: current, zScore: z, severity: severity))
        }
        return found
    }

    private func store(_ explanation: String, for row: Unexplained, clientID: UUID) async throws {
        try await database.query(
            """
            UPDATE metric_baselines b SET drift_explanation = \(explanation)
            FROM machines m
            WHERE m.id = b.machine_id AND m.client_id = \(clientID) AND b.machine_id = \(row.machineID)
              AND b.metric_type = \(row.metric) AND b.drift_detected
            """, logger: logger)
    }

    static func figure(_ value: Double) -> String { String(format: "%.2f", value) }
}
