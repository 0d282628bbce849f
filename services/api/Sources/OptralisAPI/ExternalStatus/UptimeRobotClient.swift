import Foundation
import OptralisCore
import OptralisCurl

/// UptimeRobot API v2's `getMonitors`, as the spec calls it: a form POST of `api_key`,
/// `format=json`, `logs=1`, `logs_limit=1000`, `custom_uptime_ratios=15`. The key goes in the
/// body only (never in a URL, a log line or an error).
struct UptimeRobotClient: Sendable {
    let apiKey: String
    /// `UPTIMEROBOT_API_URL`, without the method: `https://api.uptimerobot.com/v2` by default.
    let baseURL: String
    let timeout: Duration
    let http: CurlClient

    static let defaultURL = "https://api.uptimerobot.com/v2"
    /// 50 monitors of 1,000 logs each fit well below this.
    static let maximumResponseBytes = 16 << 20

    /// Throws 502 `UPTIMEROBOT_UNAVAILABLE` when UptimeRobot cannot be reached in time or does not
    /// answer its JSON, 502 `UPTIMEROBOT_REFUSED` when it answers `stat: fail` (a wrong key, for one).
    func monitors() async throws -> [UptimeRobotAnswer.Monitor] {
        let fields: [(name: String, value: String)] = [
            ("api_key", apiKey), ("format", "json"), ("logs", "1"), ("logs_limit", "1000"), ("custom_uptime_ratios", "15"),
        ]
        var request = OutboundRequest.postForm(
            (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/getMonitors", fields: fields, timeout: timeout)
        request.maximumResponseBytes = Self.maximumResponseBytes
        let response: OutboundResponse
        do {
            response = try await http.send(request)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ExternalStatusError.uptimeRobotUnreachable
        }
        guard response.status == 200 else {
            throw ExternalStatusError.uptimeRobotStatus(response.status)
        }
        guard let answer = try? JSONDecoder().decode(UptimeRobotAnswer.self, from: Data(response.body)) else {
            throw ExternalStatusError.uptimeRobotNotJSON
        }
        guard answer.stat == "ok", let monitors = answer.monitors else {
            // Only the error's type: its `passed_value` may be the key.
            let type = answer.error?.type.flatMap { $0.count <= 64 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0 == "_") } ? $0 : nil }
            throw ExternalStatusError.uptimeRobotRefused(type: type)
        }
        return monitors
    }
}
