import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OptralisCore

extension HTTPField.Name {
    public static let requestID = Self("X-Request-ID")!
}

/// Gives each request an id, taken from a well-formed `X-Request-ID` header or generated,
/// puts it on the request's logger (so every line logged for the request carries
/// `request_id=`), echoes it in the response, and logs one line when the request ends.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The level of the line of a request answered below 400 (`/health` and `/metrics`: `debug`).
    let routineLevel: Logger.Level

    public init(routineLevel: Logger.Level = .info) {
        self.routineLevel = routineLevel
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let requestID = request.headers[.requestID].flatMap(Self.acceptable) ?? context.id
        context.logger[metadataKey: "hb.request.id"] = .string(requestID)
        let clock = ContinuousClock()
        let start = clock.now
        let logger = context.logger
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = requestID
            log(logger, request, status: response.status.code, duration: clock.now - start)
            return response
        } catch {
            // Only reached when no ErrorMiddleware sits inside this one.
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            log(logger, request, status: status, duration: clock.now - start)
            throw error
        }
    }

    private func log(_ logger: Logger, _ request: Request, status: Int, duration: Duration) {
        let level: Logger.Level =
            status >= 500 ? .error : status >= 400 ? .info : (request.uri.path == "/health" || request.uri.path == "/metrics" ? .debug : routineLevel)
        logger.log(
            level: level, "request",
            metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(status)",
                "duration_ms": "\(String(format: "%.1f", duration.fractionalMilliseconds))",
            ])
    }

    /// 1–128 characters of letters, digits and `-_.:`; anything else is replaced, not trusted.
    static func acceptable(_ value: String) -> String? {
        guard (1...128).contains(value.utf8.count),
            value.unicodeScalars.allSatisfy({
                $0.properties.isASCIIHexDigit || ($0.isASCII && ($0.properties.isAlphabetic || "-_.:".unicodeScalars.contains($0) || ("0"..."9").contains($0)))
            })
        else { return nil }
        return value
    }
}
