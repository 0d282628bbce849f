import Foundation

/// What a machine looked like when it was analysed, stored in
/// `ai_analysis_results.data_fingerprint` so the next request can tell whether anything
/// changed ("Détection de Changements Significatifs").
struct DataFingerprint: Sendable, Equatable, Codable {
    /// The newest `metrics.recorded_at`.
    var latestSampleAt: Date?
    /// Means of the last hour, and the fullest volume's latest use, in percent.
    var cpuPercent: Double?
    var ramPercent: Double?
    var diskPercent: Double?
    /// The machine's alerts not yet resolved (`alert_rule_history.resolved_at IS NULL`), sorted.
    var openAlertIDs: [UUID]

    enum CodingKeys: String, CodingKey {
        case latestSampleAt = "latest_sample_at", cpuPercent = "cpu_percent", ramPercent = "ram_percent"
        case diskPercent = "disk_percent", openAlertIDs = "open_alert_ids"
    }
}

extension DataFingerprint {
    /// The stored JSON (ISO 8601 dates), as `data_fingerprint` holds it.
    var json: String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Nil for JSON that is not a fingerprint (a row written by an older version, say).
    init?(json: String) {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let decoded = try? decoder.decode(DataFingerprint.self, from: Data(json.utf8)) else { return nil }
        self = decoded
    }
}
