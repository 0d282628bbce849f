import Hummingbird
import Logging
import OptralisCore
import OptralisPostgres
import OptralisRedis
import OptralisServer

/// The api's composition root: database, Redis, migrations before the port opens, routes.
public struct APIServer: Sendable {
    public let configuration: APIConfiguration
    let database: Database
    let redis: RedisClient?
    let builder: ServiceApplicationBuilder<ServiceRequestContext>

    public init(configuration: APIConfiguration, logger: Logger) {
        self.configuration = configuration
        database = Database(url: configuration.databaseURL, logger: logger)
        redis = configuration.redisURL.map { RedisClient(url: $0, logger: logger) }
        builder = .init(service: "api", address: configuration.address, database: database, redis: redis, redisUse: .optional, logger: logger)
    }

    public func makeRouter() -> Router<ServiceRequestContext> {
        let openAPI = OpenAPIDocument(path: configuration.openAPIPath)
        return builder.router { router in
            openAPI.addRoute(to: router)
        }
    }

    public func makeApplication() -> some ApplicationProtocol {
        let (database, configuration, logger) = (database, configuration, builder.logger)
        return builder.application(router: makeRouter()) {
            try await SchemaMigrator.migrate(database, directory: configuration.migrationsDirectory, logger: logger)
            try await InitialAdmin.ensure(configuration.initialAdmin, database: database, logger: logger)
        }
    }
}
