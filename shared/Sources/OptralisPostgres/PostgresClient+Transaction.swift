import Logging
import PostgresNIO

extension PostgresClient {
    /// `withTransaction`, but the body's own error comes out as itself, not wrapped in
    /// `PostgresTransactionError`, so a domain error thrown inside a transaction keeps its
    /// HTTP status (a 409 stays a 409).
    public func transaction<T: Sendable>(logger: Logger, _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await connection.transaction(logger: logger, body)
        }
    }
}

extension PostgresConnection {
    public func transaction<T: Sendable>(logger: Logger, _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await withTransaction(logger: logger) { try await body($0) }
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError, error.rollbackError == nil { throw closureError }
            throw error
        }
    }
}
