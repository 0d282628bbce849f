import Foundation
import NIOSSL
import OptralisCore
import PostgresNIO

/// A parsed `DATABASE_URL`: `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode

    public init(host: String, port: Int = 5432, username: String, password: String?, database: String, tlsMode: TLSMode = .disable) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tlsMode = tlsMode
    }

    /// Parses the URL; the error says what part is wrong without echoing the password.
    public init(parsing string: String) throws(DatabaseURLError) {
        guard let components = URLComponents(string: string),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else { throw .init(reason: "must start with postgres:// or postgresql://") }
        guard let host = components.host, !host.isEmpty else { throw .init(reason: "has no host") }
        guard let user = components.user, !user.isEmpty else { throw .init(reason: "has no user name") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw .init(reason: "has no database name (…/DATABASE)") }
        var tlsMode = TLSMode.disable
        if let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value {
            switch mode {
            case "disable": tlsMode = .disable
            case "allow", "prefer": tlsMode = .prefer
            case "require", "verify-ca", "verify-full": tlsMode = .require
            default: throw .init(reason: "has an unknown sslmode \"\(mode)\"")
            }
        }
        self.init(
            host: host, port: components.port ?? 5432,
            username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database.removingPercentEncoding ?? database, tlsMode: tlsMode)
    }

    /// The same server with another database (tests create one database per suite).
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// Host, port and database, never the password: safe for logs and error messages.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    public var urlString: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.password = password
        components.host = host
        components.port = port
        components.path = "/" + database
        if tlsMode != .disable { components.queryItems = [URLQueryItem(name: "sslmode", value: tlsMode.rawValue)] }
        return components.string!
    }

    /// `genericPlans`: the pool's sessions run prepared statements' generic plans
    /// (`plan_cache_mode`) and reach tables by key (no sequential scans, hash or merge joins),
    /// for statements that look rows up by key from a small batch. PostgreSQL's own choice
    /// compares the generic plan with the average of every custom plan so far, and kept
    /// re-planning the ingest statement on about half its executions; a generic plan made while
    /// the tables were empty scanned them whole, and kept doing so once they were not.
    public func clientConfiguration(maximumConnections: Int = 20, genericPlans: Bool = false) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch tlsMode {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        // No `SELECT 1` every 30 s on idle connections: postgres-nio schedules that timer (a task
        // in the pool's task group, with a task group of its own) each time a connection goes
        // back to the pool, so every query paid for one, and each finished timer walked the list
        // of the live ones. An idle connection is closed after a minute anyway, and a server that
        // restarts closes its connections, which the pool sees.
        configuration.options.keepAliveBehavior = nil
        if genericPlans {
            configuration.options.additionalStartupParameters = [
                ("plan_cache_mode", "force_generic_plan"), ("enable_seqscan", "off"), ("enable_hashjoin", "off"), ("enable_mergejoin", "off"),
            ]
        }
        return configuration
    }
}

extension DatabaseURL {
    /// The same server for a single connection outside the pool (``Database/isReachable()``);
    /// nil when the TLS context cannot be made (the pool would fail the same way).
    func connectionConfiguration() -> PostgresConnection.Configuration? {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch tlsMode {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            return nil
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(1)
        return configuration
    }
}

public struct DatabaseURLError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { "DATABASE_URL \(reason)" }
}

extension EnvironmentReader {
    /// `DATABASE_URL`, required and parsed; there is no default (no default credentials).
    public mutating func databaseURL() -> DatabaseURL {
        let raw = required("DATABASE_URL", hint: "postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        guard !raw.isEmpty else { return DatabaseURL(host: "", username: "", password: nil, database: "") }
        do {
            return try DatabaseURL(parsing: raw)
        } catch {
            report("DATABASE_URL", String(error.reason))
            return DatabaseURL(host: "", username: "", password: nil, database: "")
        }
    }
}
