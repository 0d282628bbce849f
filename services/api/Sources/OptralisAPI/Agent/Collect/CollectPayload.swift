import Foundation
import OptralisCore
import OptralisServer

/// What `POST /agent/collect` accepts: the eight collectors of the spec, plus `events`,
/// `databases` (the monitored databases' figures, Pro+) and `apm` (the APM probes, Pro+).
enum CollectKind: String, CaseIterable, Sendable, Codable {
    case metrics, storage, storageHealth = "storage_health", network, services, security, software, patches, events, databases, apm
}

enum CollectorData: Sendable {
    case metrics(MetricsSample)
    case storage(StorageReport)
    case storageHealth(SmartReport)
    case network(NetworkReport)
    case services(ServicesReport)
    case security(SecurityReport)
    case software(SoftwareReport)
    case patches(PatchesReport)
    case events(EventsReport)
    case databases(DatabasesReport)
    case apm(APMProbeReport)
}

/// One `POST /agent/collect` body:
/// `{"collector": "metrics", "sequence": 42, "collected_at": "2026-11-22T05:00:00Z", "data": {...}}`.
///
/// `sequence` is the agent's counter for this collector (strictly increasing, from 1); a post
/// whose sequence was already stored is a retry and is not stored twice. `collected_at` is when
/// the agent took the data (a spooled post arrives later); it defaults to the time of arrival,
/// and a time more than five minutes ahead of the server's clock is replaced by the arrival time.
struct CollectPayload: Sendable {
    let kind: CollectKind
    let sequence: Int64
    let collectedAt: Date
    let data: CollectorData

    static let maximumClockSkew: TimeInterval = 300

    static func decode(_ body: Data, receivedAt now: Date = Date()) throws -> CollectPayload {
        // A journal message can carry a NUL: kept as U+FFFD rather than failing the whole batch.
        try CollectPayload(checking: try AgentPayloadError.decode(Envelope.self, from: body, with: decoder), receivedAt: now)
    }

    init(kind: CollectKind, sequence: Int64, collectedAt: Date, data: CollectorData) {
        (self.kind, self.sequence, self.collectedAt, self.data) = (kind, sequence, collectedAt, data)
    }

    /// The post as stored: its time brought back to `now` when ahead, its data checked.
    init(checking envelope: Envelope, receivedAt now: Date) throws {
        var collectedAt = envelope.collectedAt ?? now
        if collectedAt.timeIntervalSince(now) > Self.maximumClockSkew { collectedAt = now }
        self.init(kind: envelope.kind, sequence: envelope.sequence, collectedAt: collectedAt, data: envelope.data)
        try CollectValidation.check(data)
    }

    /// The body as decoded, before the checks.
    struct Envelope: Decodable, Sendable {
        let kind: CollectKind
        let sequence: Int64
        let collectedAt: Date?
        let data: CollectorData

        enum CodingKeys: String, CodingKey { case collector, sequence, collectedAt = "collected_at", data }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let name = try container.decode(String.self, forKey: .collector)
            guard let kind = CollectKind(rawValue: name) else { throw AgentError.unknownCollector(name) }
            self.kind = kind
            sequence = try container.decode(Int64.self, forKey: .sequence)
            guard sequence > 0 else { throw AgentError.invalidSequence }
            collectedAt = try container.decodeIfPresent(Date.self, forKey: .collectedAt)
            switch kind {
            case .metrics: data = .metrics(try container.decode(MetricsSample.self, forKey: .data))
            case .storage: data = .storage(try container.decode(StorageReport.self, forKey: .data))
            case .storageHealth: data = .storageHealth(try container.decode(SmartReport.self, forKey: .data))
            case .network: data = .network(try container.decode(NetworkReport.self, forKey: .data))
            case .services: data = .services(try container.decode(ServicesReport.self, forKey: .data))
            case .security: data = .security(try container.decode(SecurityReport.self, forKey: .data))
            case .software: data = .software(try container.decode(SoftwareReport.self, forKey: .data))
            case .patches: data = .patches(try container.decode(PatchesReport.self, forKey: .data))
            case .events: data = .events(try container.decode(EventsReport.self, forKey: .data))
            case .databases: data = .databases(try container.decode(DatabasesReport.self, forKey: .data))
            case .apm: data = .apm(try container.decode(APMProbeReport.self, forKey: .data))
            }
        }
    }

    /// ISO 8601 dates with or without fractional seconds.
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            // UTC, as agents write it, by arithmetic; other offsets by the general parser.
            if let date = UTCTimestamp.parse(text) { return date }
            if let date = try? Date(text, strategy: .iso8601) { return date }
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected an ISO 8601 date-time"))
        }
        return decoder
    }()

}

/// The 400s of the agents' JSON bodies, with the JSON path of the offending value.
enum AgentPayloadError {
    /// Decodes an agent's body: a NUL becomes U+FFFD (the data is kept, PostgreSQL cannot store
    /// a NUL), and a refusal names the field, a number out of range included.
    static func decode<T: Decodable>(_ type: T.Type, from body: Data, with decoder: JSONDecoder) throws -> T {
        let body = JSONNULEscapes.replacingEscapes(in: body)
        do {
            return try decoder.decode(type, from: body)
        } catch let error as DecodingError {
            var problem = DecodingProblem(error)
            if problem.kind == .notJSON, let number = RejectedNumber.locate(in: body, decoding: type, with: decoder) { problem = number }
            throw invalid(problem)
        }
    }

    static func invalid(_ problem: DecodingProblem) -> AppError {
        if problem.kind == .notJSON { return AgentError.invalidJSON }
        return AgentError.invalidPayload(problem.message)
    }
}
