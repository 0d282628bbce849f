import Hummingbird
import Logging
import OptralisPostgres
import OptralisServer

/// The ca service's composition root.
public func buildCAApplication(configuration: CAConfiguration, logger: Logger) -> some ApplicationProtocol {
    let database = Database(url: configuration.databaseURL, logger: logger)
    return ServiceApplicationBuilder<ServiceRequestContext>(
        service: "ca", address: configuration.address, database: database, redis: nil,
        redisUse: .none, logger: logger
    ).build()
}
