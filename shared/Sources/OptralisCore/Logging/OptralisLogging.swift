import Logging

/// Process-wide logging set-up, done once by each executable before anything logs.
public enum OptralisLogging {
    /// Routes every `Logger` of the process to stdout in logfmt, tagged with `service=`.
    /// `LOG_LEVEL` (trace…critical) sets the level; default info.
    public static func bootstrap(service: String, environment: [String: String]) {
        let level = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        LoggingSystem.bootstrap { _ in LogfmtLogHandler(service: service, level: level) }
    }
}
