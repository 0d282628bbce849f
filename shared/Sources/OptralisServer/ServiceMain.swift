import Foundation
import Hummingbird
import Logging
import OptralisCore

/// Start-up helpers shared by the executables.
public enum ServiceMain {
    /// Builds a configuration from the environment, or prints every problem to stderr and
    /// exits with 78 (EX_CONFIG), so a misconfigured service never starts half-way.
    public static func configuration<C>(
        for executable: String, _ make: ([String: String]) throws(ConfigurationError) -> C
    ) -> C {
        ConfigurationLoader.load(for: executable, environment: ProcessInfo.processInfo.environment, make)
    }

    /// The whole `run()` of a service executable: configuration (or exit 78), logging, then
    /// the application until SIGTERM or SIGINT.
    public static func serve<Configuration, App: ApplicationProtocol>(
        executable: String, service: String,
        configuration make: ([String: String]) throws(ConfigurationError) -> Configuration,
        application: (Configuration, Logger) async -> App
    ) async throws {
        let configuration = configuration(for: executable, make)
        OptralisLogging.bootstrap(service: service, environment: ProcessInfo.processInfo.environment)
        let logger = Logger(label: "optralis.\(service)")
        do {
            try await application(configuration, logger).runService()
        } catch is CancellationError {
            // SIGTERM or SIGINT during the start steps, which a stop ends (`ServiceApplicationBuilder`):
            // the stop asked for, not a failure.
            logger.notice("stopped before it started")
        }
    }
}
