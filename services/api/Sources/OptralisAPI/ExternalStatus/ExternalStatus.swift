import Foundation
import Hummingbird

/// `GET /status/external`: UptimeRobot's monitors as the public status page shows them.
/// `configured` is false (and `monitors` empty) while `UPTIMEROBOT_API_KEY` is unset.
struct ExternalStatus: Codable, Sendable, ResponseEncodable {
    let configured: Bool
    let monitors: [ExternalMonitor]
    let timestamp: Date
}

/// One UptimeRobot monitor: the spec's fields, `uptime_15d` being ``HalfDayUptime``'s 30 values.
struct ExternalMonitor: Codable, Sendable {
    let id: String
    let name: String
    /// `online` (2), `degraded` (8, seems down), `offline` (9), `paused` (0), `unknown` (1, not
    /// checked yet, or anything else).
    let status: String
    /// UptimeRobot's own 15-day ratio (`custom_uptime_ratio`), 0–100; absent when it sent none.
    let uptimeRatio: Double?
    /// Milliseconds (`average_response_time`), only when UptimeRobot sends it: `getMonitors` as
    /// the spec calls it does not ask for response times.
    let responseTime: Int?
    let url: String
    let uptime15d: [Double]

    enum CodingKeys: String, CodingKey {
        case id, name, status, url
        case uptimeRatio = "uptime_ratio", responseTime = "response_time", uptime15d = "uptime_15d"
    }
}
