import Hummingbird
import Logging
import OptralisCore
import OptralisPostgres
import OptralisRedis
import OptralisServer

/// The api's composition root: database, Redis, migrations before the port opens, routes.
public func buildAPIApplication(configuration: APIConfiguration, logger: Logger) -> some ApplicationProtocol {
    let database = Database(url: configuration.databaseURL, logger: logger)
    let redis = configuration.redisURL.map { RedisClient(url: $0, logger: logger) }
    let builder = ServiceApplicationBuilder<ServiceRequestContext>(
        service: "api", address: configuration.address, database: database, redis: redis, redisUse: .optional, logger: logger)
    let openAPI = OpenAPIDocument(path: configuration.openAPIPath)
    return builder.build(
        beforeServerStarts: {
            try await SchemaMigrator.migrate(database, directory: configuration.migrationsDirectory, logger: logger)
        },
        routes: { router in
            openAPI.addRoute(to: router)
        })
}
