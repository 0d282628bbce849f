import Hummingbird
import Logging
import OptralisPostgres
import OptralisRedis
import OptralisServer

/// The scheduler service's composition root.
public struct SchedulerServer: Sendable {
    public let configuration: SchedulerConfiguration
    let database: Database
    let redis: RedisClient
    let builder: ServiceApplicationBuilder<ServiceRequestContext>

    public init(configuration: SchedulerConfiguration, logger: Logger) {
        self.configuration = configuration
        database = Database(url: configuration.databaseURL, logger: logger)
        redis = RedisClient(url: configuration.redisURL, logger: logger)
        builder = .init(service: "scheduler", address: configuration.address, database: database, redis: redis, redisUse: .required, logger: logger)
    }

    public func makeRouter() -> Router<ServiceRequestContext> {
        builder.router()
    }

    public func makeApplication() -> some ApplicationProtocol {
        builder.application(router: makeRouter())
    }
}
