import Foundation

/// UptimeRobot API v2's answer to `POST /v2/getMonitors` (JSON format), as far as the external
/// status reads it:
/// `{"stat": "ok", "pagination": {...}, "monitors": [{"id": 777749809, "friendly_name": "...",
/// "url": "...", "status": 2, "custom_uptime_ratio": "99.950", "logs": [{"type": 1,
/// "datetime": 1462565497, "duration": 120, "reason": {"code": "...", "detail": "..."}}]}]}`,
/// or `{"stat": "fail", "error": {"type": "invalid_parameter", "parameter_name": "api_key",
/// "passed_value": "..."}}` (the passed value can be the key itself: never repeat it).
/// Numbers are read whether UptimeRobot sends them as JSON numbers or as strings (it sends the
/// ratio as `"99.950"`), and nothing read here is trusted to be in range: see ``ExternalMonitorBuilder``.
struct UptimeRobotAnswer: Decodable, Sendable {
    let stat: String
    let monitors: [Monitor]?
    let error: Failure?

    struct Monitor: Decodable, Sendable {
        let id: LooseNumber?
        let friendlyName: String?
        let url: String?
        /// 0 paused, 1 not checked yet, 2 up, 8 seems down, 9 down.
        let status: LooseNumber?
        /// One ratio per period asked (`custom_uptime_ratios=15`: one), dash-separated.
        let customUptimeRatio: String?
        /// Only there when response times were asked for; kept when present.
        let averageResponseTime: LooseNumber?
        /// Newest first.
        let logs: [Log]?

        enum CodingKeys: String, CodingKey {
            case id, url, status, logs
            case friendlyName = "friendly_name", customUptimeRatio = "custom_uptime_ratio", averageResponseTime = "average_response_time"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decodeIfPresent(LooseNumber.self, forKey: .id)
            friendlyName = try? container.decodeIfPresent(String.self, forKey: .friendlyName)
            url = try? container.decodeIfPresent(String.self, forKey: .url)
            status = try container.decodeIfPresent(LooseNumber.self, forKey: .status)
            customUptimeRatio =
                (try? container.decodeIfPresent(String.self, forKey: .customUptimeRatio))
                ?? (try? container.decodeIfPresent(Double.self, forKey: .customUptimeRatio)).map { String($0) }
            averageResponseTime = try container.decodeIfPresent(LooseNumber.self, forKey: .averageResponseTime)
            logs = try container.decodeIfPresent([Log].self, forKey: .logs)
        }
    }

    struct Log: Decodable, Sendable {
        /// 1 down, 2 up, 98 started, 99 paused.
        let type: LooseNumber?
        /// Unix seconds.
        let datetime: LooseNumber?
        let duration: LooseNumber?
    }

    struct Failure: Decodable, Sendable {
        let type: String?
    }
}

/// A JSON number, or a string holding one; anything else reads as nil rather than failing the
/// whole answer.
struct LooseNumber: Decodable, Sendable {
    let value: Double?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number.isFinite ? number : nil
        } else if let text = try? container.decode(String.self), let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite {
            value = number
        } else {
            value = nil
        }
    }
}
