import Hummingbird
import Logging
import OptralisPostgres
import OptralisRedis
import OptralisServer

/// The scheduler service's composition root.
public func buildSchedulerApplication(configuration: SchedulerConfiguration, logger: Logger) -> some ApplicationProtocol {
    let database = Database(url: configuration.databaseURL, logger: logger)
    let redis = RedisClient(url: configuration.redisURL, logger: logger)
    return ServiceApplicationBuilder<ServiceRequestContext>(
        service: "scheduler", address: configuration.address, database: database, redis: redis,
        redisUse: .required, logger: logger
    ).build()
}
