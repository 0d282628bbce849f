import Foundation
import OptralisCore

/// An APM application as the routes show it, with its latest probe and its last 24 hours.
struct APMApplication: Codable, Sendable {
    let id: UUID
    let name: String
    let machineID: UUID
    let machineHostname: String
    let url: String
    let intervalSeconds: Int
    let expectedStatus: Int
    let timeoutSeconds: Int
    let journalUnit: String?
    /// The first characters of the ingest key, to tell keys apart (the key itself is shown once).
    let ingestKeyPrefix: String
    let latest: Probe?
    /// Share of the last 24 hours' probes that answered the expected status; nil without probes.
    let availability24h: Double?
    let responseTimeAvg24hMs: Double?
    let createdAt: Date
    let updatedAt: Date

    struct Probe: Codable, Sendable {
        let recordedAt: Date
        let up: Bool
        let statusCode: Int?
        let responseTimeMs: Double?
        let tlsDaysLeft: Int?
        let errorCount: Int?
        let error: String?
        enum CodingKeys: String, CodingKey {
            case recordedAt = "recorded_at", up, statusCode = "status_code", responseTimeMs = "response_time_ms", tlsDaysLeft = "tls_days_left"
            case errorCount = "error_count", error
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, machineID = "machine_id", machineHostname = "machine_hostname", url, intervalSeconds = "interval_seconds"
        case expectedStatus = "expected_status", timeoutSeconds = "timeout_seconds", journalUnit = "journal_unit", ingestKeyPrefix = "ingest_key_prefix"
        case latest, availability24h = "availability_24h", responseTimeAvg24hMs = "response_time_avg_24h_ms", createdAt = "created_at", updatedAt = "updated_at"
    }

    /// Optional values are written as null, not left out.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(machineID, forKey: .machineID)
        try container.encode(machineHostname, forKey: .machineHostname)
        try container.encode(url, forKey: .url)
        try container.encode(intervalSeconds, forKey: .intervalSeconds)
        try container.encode(expectedStatus, forKey: .expectedStatus)
        try container.encode(timeoutSeconds, forKey: .timeoutSeconds)
        try container.encode(journalUnit, forKey: .journalUnit)
        try container.encode(ingestKeyPrefix, forKey: .ingestKeyPrefix)
        try container.encode(latest, forKey: .latest)
        try container.encode(availability24h, forKey: .availability24h)
        try container.encode(responseTimeAvg24hMs, forKey: .responseTimeAvg24hMs)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// What a create or update asks for, validated. On update, nil keeps the stored value.
struct APMApplicationInput: Sendable {
    var name: String?
    var machineID: UUID?
    var url: String?
    var intervalSeconds: Int?
    var expectedStatus: Int?
    var timeoutSeconds: Int?
    /// `.some(nil)`: cleared.
    var journalUnit: String??

    struct Body: Decodable {
        let name: String?
        let machineID: UUID?
        let url: String?
        let intervalSeconds: Int?
        let expectedStatus: Int?
        let timeoutSeconds: Int?
        let journalUnit: String?
        enum CodingKeys: String, CodingKey {
            case name, machineID = "machine_id", url, intervalSeconds = "interval_seconds", expectedStatus = "expected_status"
            case timeoutSeconds = "timeout_seconds", journalUnit = "journal_unit"
        }
    }

    static let intervals = 30...3600
    static let timeouts = 1...60
    static let statuses = 100...599

    init(_ body: Body, creating: Bool) throws {
        name = try Validation.text(body.name, field: "name", maximum: 100)
        machineID = body.machineID
        if creating {
            guard name != nil else { throw APIError.validation("name is required (1 to 100 characters)") }
            guard machineID != nil else { throw APIError.validation("machine_id is required: the machine whose agent probes the application") }
            guard body.url != nil else { throw APIError.validation("url is required (http:// or https://)") }
        }
        url = try body.url.map(Self.url)
        // Decoded as Int (a JSON number past Int.max is a 400 of the decoder), then bounded here.
        if let value = body.intervalSeconds { try Validation.integer(value, field: "interval_seconds", in: Self.intervals) }
        if let value = body.expectedStatus { try Validation.integer(value, field: "expected_status", in: Self.statuses) }
        if let value = body.timeoutSeconds { try Validation.integer(value, field: "timeout_seconds", in: Self.timeouts) }
        (intervalSeconds, expectedStatus, timeoutSeconds) = (body.intervalSeconds, body.expectedStatus, body.timeoutSeconds)
        if let unit = body.journalUnit {
            let trimmed = unit.trimmingCharacters(in: .whitespaces)
            journalUnit = .some(trimmed.isEmpty ? nil : try Self.unit(trimmed))
        }
        if creating, intervalSeconds == nil { intervalSeconds = 60 }
    }

    /// An absolute http(s) URL with a host, at most 2048 characters, no credentials.
    static func url(_ raw: String) throws -> String {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard text.utf8.count <= 2048, let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty, components.user == nil, components.password == nil,
            !text.contains(where: { $0.isWhitespace || $0.isNewline })
        else { throw APIError.validation("url must be an http:// or https:// URL with a host, at most 2048 characters, without credentials") }
        return text
    }

    /// A systemd unit name (`nginx.service`, `app@1.service`): what `journalctl -u` takes, no option.
    static func unit(_ raw: String) throws -> String {
        guard raw.utf8.count <= 256, raw.wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9:_.@\\-]*/) != nil else {
            throw APIError.validation("journal_unit must be a systemd unit name such as nginx.service (letters, digits, : _ . @ \\ -)")
        }
        return raw
    }
}
