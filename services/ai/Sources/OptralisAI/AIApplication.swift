import Hummingbird
import Logging
import OptralisPostgres
import OptralisRedis
import OptralisServer

/// The ai service's composition root.
public func buildAIApplication(configuration: AIConfiguration, logger: Logger) -> some ApplicationProtocol {
    let database = Database(url: configuration.databaseURL, logger: logger)
    let redis = RedisClient(url: configuration.redisURL, logger: logger)
    return ServiceApplicationBuilder<ServiceRequestContext>(
        service: "ai", address: configuration.address, database: database, redis: redis,
        redisUse: .required, logger: logger
    ).build()
}
