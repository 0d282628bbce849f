/// An error a client can act on: an HTTP status, a stable machine-readable code and a
/// message safe to show. Domain code throws these; the server turns them into ``ErrorBody``.
/// Any other error becomes a 500 with a generic message and is logged in full.
public struct AppError: Error, Sendable, Equatable, CustomStringConvertible {
    public let statusCode: Int
    public let code: String
    public let message: String

    public init(status: Int, code: String, message: String) {
        self.statusCode = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(statusCode) \(code): \(message)" }

    public static func badRequest(_ message: String, code: String = "BAD_REQUEST") -> AppError {
        AppError(status: 400, code: code, message: message)
    }
    public static func validation(_ message: String, code: String = "VALIDATION_ERROR") -> AppError {
        AppError(status: 400, code: code, message: message)
    }
    public static func unauthorized(_ message: String = "authentication required", code: String = "UNAUTHORIZED") -> AppError {
        AppError(status: 401, code: code, message: message)
    }
    public static func forbidden(_ message: String = "forbidden", code: String = "FORBIDDEN") -> AppError {
        AppError(status: 403, code: code, message: message)
    }
    public static func notFound(_ message: String = "not found", code: String = "NOT_FOUND") -> AppError {
        AppError(status: 404, code: code, message: message)
    }
    public static func conflict(_ message: String, code: String = "CONFLICT") -> AppError {
        AppError(status: 409, code: code, message: message)
    }
    public static func tooManyRequests(_ message: String = "too many requests", code: String = "RATE_LIMITED") -> AppError {
        AppError(status: 429, code: code, message: message)
    }
    /// An upstream service we call answered wrongly or not at all.
    public static func badGateway(_ message: String, code: String = "BAD_GATEWAY") -> AppError {
        AppError(status: 502, code: code, message: message)
    }
    public static func serviceUnavailable(_ message: String, code: String = "SERVICE_UNAVAILABLE") -> AppError {
        AppError(status: 503, code: code, message: message)
    }
    public static let internalError = AppError(status: 500, code: "INTERNAL_ERROR", message: "internal server error")
}
