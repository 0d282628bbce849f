import Hummingbird
import Logging
import OptralisPostgres
import OptralisRedis
import OptralisServer

/// The notifier service's composition root.
public func buildNotifierApplication(configuration: NotifierConfiguration, logger: Logger) -> some ApplicationProtocol {
    let database = Database(url: configuration.databaseURL, logger: logger)
    let redis = RedisClient(url: configuration.redisURL, logger: logger)
    return ServiceApplicationBuilder<ServiceRequestContext>(
        service: "notifier", address: configuration.address, database: database, redis: redis,
        redisUse: .required, logger: logger
    ).build()
}
