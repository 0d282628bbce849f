import Hummingbird
import NIOHTTP1
import OptralisCore
import PostgresNIO

/// Turns every error into the JSON error shape `{"error": "...", "code": "..."}`:
/// ``AppError`` as it is, Hummingbird's errors (unknown route, bad JSON, body too large) with a
/// code from their status, a value PostgreSQL refused as a 400 (``AppError/refusedValue(_:)``),
/// a body the HTTP parser could not read as a 400, and anything else into a 500 whose details go
/// to the log only.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AppError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let message = error.body ?? error.status.reasonPhrase.lowercased()
            var response = ErrorBody(error: message, code: ErrorBody.code(for: error.status)).response(status: error.status)
            response.headers.append(contentsOf: error.headers)
            return response
        } catch let error as any HTTPResponseError {
            return ErrorBody(error: error.status.reasonPhrase.lowercased(), code: ErrorBody.code(for: error.status))
                .response(status: error.status)
        } catch let error as HTTPParserError {
            // NIO hands a body it cannot parse to the handler reading it: a malformed chunk, or a
            // connection closed mid-body (an agent's, when the api stops). The client's fault.
            context.logger.warning("request body unreadable", metadata: ["error": "\(error)"])
            return ErrorBody(error: "the request could not be read: \(error)", code: ErrorBody.code(for: .badRequest)).response(status: .badRequest)
        } catch {
            if let database = error as? PSQLError, let refused = AppError.refusedValue(database) {
                context.logger.warning("value refused by PostgreSQL", metadata: ["error": "\(String(reflecting: database))"])
                return try refused.response(from: request, context: context)
            }
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return try AppError.internalError.response(from: request, context: context)
        }
    }
}
