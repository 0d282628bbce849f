import Logging
import OptralisCore
import OptralisPostgres
import PostgresNIO

/// The PostgreSQL role the services run as (`DATABASE_APP_USER`), kept by `optralis-api migrate`,
/// which runs as the schema's owner: it may log in, read and write rows, and nothing else (no
/// DDL, no superuser, no role or database creation). A service that is broken into can then
/// neither drop tables nor read other databases' files. Provisioning is idempotent and runs
/// after every migration, so new tables are granted too (and `ALTER DEFAULT PRIVILEGES` covers
/// tables the owner creates later).
public struct AppDatabaseRole: Sendable {
    public let name: String
    public let password: String

    /// Nil when `DATABASE_APP_USER` is unset: the services then use `DATABASE_URL`'s role.
    public static func read(from reader: inout EnvironmentReader) -> AppDatabaseRole? {
        guard let name = reader.value("DATABASE_APP_USER") else { return nil }
        if name.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) == nil {
            reader.report("DATABASE_APP_USER", "must be a lower-case PostgreSQL identifier (letters, digits, _), at most 63 characters")
        }
        let password = reader.required(
            "DATABASE_APP_PASSWORD", minimumLength: 16, hint: "password of DATABASE_APP_USER, e.g. `openssl rand -hex 32`")
        return AppDatabaseRole(name: name, password: password)
    }

    func provision(_ database: Database, logger: Logger) async throws {
        let client = database.client
        // Identifiers and the password cannot be bind parameters of utility statements: format()
        // quotes them (%I, %L) from bound values.
        let statements = try await client.query(
            """
            SELECT format('CREATE ROLE %I LOGIN', \(name)) WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \(name))
            UNION ALL SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', \(name), \(password))
            UNION ALL SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), \(name))
            UNION ALL SELECT format('GRANT USAGE ON SCHEMA public TO %I', \(name))
            UNION ALL SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', \(name))
            UNION ALL SELECT format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I', \(name))
            UNION ALL SELECT format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', \(name))
            UNION ALL SELECT format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', \(name))
            """, logger: logger
        ).decode(String.self).collect()
        for statement in statements {
            try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        logger.info("application role ready", metadata: ["role": "\(name)"])
    }
}
