import OptralisCore

/// The errors of the external status page's upstream, UptimeRobot.
enum ExternalStatusError {
    static let uptimeRobotUnreachable = AppError.badGateway("UptimeRobot cannot be reached", code: "UPTIMEROBOT_UNAVAILABLE")
    static let uptimeRobotNotJSON = AppError.badGateway("UptimeRobot's answer is not the getMonitors JSON", code: "UPTIMEROBOT_UNAVAILABLE")

    static func uptimeRobotStatus(_ status: Int) -> AppError {
        .badGateway("UptimeRobot answered HTTP \(status)", code: "UPTIMEROBOT_UNAVAILABLE")
    }
    static func uptimeRobotRefused(type: String?) -> AppError {
        .badGateway("UptimeRobot refused the request" + (type.map { " (\($0))" } ?? ""), code: "UPTIMEROBOT_REFUSED")
    }
}
