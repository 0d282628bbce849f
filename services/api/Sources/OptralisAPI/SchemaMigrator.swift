import Logging
import OptralisPostgres

/// Applies `shared/Migrations` to the api's database: at api start-up (before the port
/// opens) and alone with `optralis-api migrate`.
public enum SchemaMigrator {
    public static func migrate(_ database: Database, directory: String?, logger: Logger) async throws {
        guard let directory else {
            throw MigrationLoadError(description: "migrations directory not found; set OPTRALIS_MIGRATIONS_DIR")
        }
        let migrations = try Migration.load(from: directory)
        let report = try await MigrationRunner(client: database.client, logger: logger).run(migrations)
        logger.info(
            "schema up to date",
            metadata: ["applied": "\(report.applied.count)", "already_applied": "\(report.alreadyApplied)", "directory": "\(directory)"])
    }

    /// `optralis-api migrate`: runs the pool just long enough to migrate, then grants the
    /// services' role (``AppDatabaseRole``) what the schema now holds.
    public static func run(configuration: MigrateConfiguration, logger: Logger) async throws {
        let database = Database(url: configuration.databaseURL, maximumConnections: 2, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            try await database.waitUntilReachable(logger: logger)
            try await migrate(database, directory: configuration.migrationsDirectory, logger: logger)
            try await configuration.appRole?.provision(database, logger: logger)
        }
    }
}
