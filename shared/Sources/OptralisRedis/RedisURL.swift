import Foundation
import OptralisCore

/// A parsed `REDIS_URL`: `redis://[[user]:password@]host[:port][/database]`.
public struct RedisURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var database: Int

    public init(host: String, port: Int = 6379, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    public init(parsing string: String) throws(RedisURLError) {
        guard let components = URLComponents(string: string), components.scheme == "redis" else {
            throw .init(reason: "must start with redis://")
        }
        guard let host = components.host, !host.isEmpty else { throw .init(reason: "has no host") }
        let path = components.path.drop(while: { $0 == "/" })
        var database = 0
        if !path.isEmpty {
            guard let parsed = Int(path), parsed >= 0 else { throw .init(reason: "has a database that is not a number: \(path)") }
            database = parsed
        }
        let user = components.user.flatMap { $0.isEmpty ? nil : ($0.removingPercentEncoding ?? $0) }
        self.init(
            host: host, port: components.port ?? 6379, username: user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 }, database: database)
    }

    /// Never shows the password.
    public var description: String { "redis://\(host):\(port)/\(database)" }
}

public struct RedisURLError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { "REDIS_URL \(reason)" }
}

extension EnvironmentReader {
    /// `REDIS_URL`; when `required` is false an unset variable gives nil (the api runs without Redis).
    public mutating func redisURL(required isRequired: Bool) -> RedisURL? {
        let raw = isRequired ? required("REDIS_URL", hint: "redis://[:PASSWORD@]HOST:PORT/DB") : value("REDIS_URL")
        guard let raw, !raw.isEmpty else { return nil }
        do {
            return try RedisURL(parsing: raw)
        } catch {
            report("REDIS_URL", error.reason)
            return nil
        }
    }
}
