#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One application the agent probes, from its configuration reply (`apm_probes` of
/// `GET /agent/config/collectors`): the URL every `interval_seconds`, the status it should
/// answer within `timeout_seconds`, and the systemd unit whose journal gives the error rate.
public struct APMProbeTarget: Codable, Sendable, Equatable {
    public var id: UUID
    public var url: String
    public var intervalSeconds: Int
    public var expectedStatus: Int
    public var timeoutSeconds: Int
    public var journalUnit: String?

    enum CodingKeys: String, CodingKey {
        case id, url, intervalSeconds = "interval_seconds", expectedStatus = "expected_status", timeoutSeconds = "timeout_seconds", journalUnit = "journal_unit"
    }

    public init(id: UUID, url: String, intervalSeconds: Int, expectedStatus: Int, timeoutSeconds: Int, journalUnit: String?) {
        (self.id, self.url, self.intervalSeconds, self.expectedStatus, self.timeoutSeconds, self.journalUnit) =
            (id, url, intervalSeconds, expectedStatus, timeoutSeconds, journalUnit)
    }
}

/// `apm` (every 30 s, the probes whose interval is due): one result per probed application.
public struct APMProbeReport: Codable, Sendable {
    public var probes: [APMProbeResult]
    public init(probes: [APMProbeResult]) { self.probes = probes }
}

/// An HTTP(S) probe from the machine's point of view: `up` when the expected status came back
/// in time; the TLS certificate's days left (https); the journal's err-or-worse lines of the
/// unit since the previous probe (nil without a unit, or when `journalctl` cannot tell).
public struct APMProbeResult: Codable, Sendable {
    public var applicationID: UUID
    public var up: Bool
    public var statusCode: Int?
    public var responseTimeMs: Double?
    public var tlsDaysLeft: Int?
    public var errorCount: Int?
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case applicationID = "application_id", up, statusCode = "status_code", responseTimeMs = "response_time_ms", tlsDaysLeft = "tls_days_left"
        case errorCount = "error_count", error
    }

    public init(applicationID: UUID, up: Bool, statusCode: Int?, responseTimeMs: Double?, tlsDaysLeft: Int?, errorCount: Int?, error: String?) {
        (self.applicationID, self.up, self.statusCode, self.responseTimeMs, self.tlsDaysLeft, self.errorCount, self.error) =
            (applicationID, up, statusCode, responseTimeMs, tlsDaysLeft, errorCount, error)
    }
}
