import Foundation
import Hummingbird
import OptralisCore

extension AppError: HTTPResponseError {
    public var status: HTTPResponse.Status { .init(code: statusCode) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        ErrorBody(error: message, code: code).response(status: status)
    }
}

extension ErrorBody {
    /// A JSON response carrying this body.
    public func response(status: HTTPResponse.Status) -> Response {
        let body = (try? ResponseJSON.encode(self, sortedKeys: true)) ?? Data(#"{"error":"internal server error","code":"INTERNAL_ERROR"}"#.utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The code a bare HTTP status maps to (`404` → `NOT_FOUND`).
    public static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "BAD_REQUEST"
        case 401: "UNAUTHORIZED"
        case 403: "FORBIDDEN"
        case 404: "NOT_FOUND"
        case 405: "METHOD_NOT_ALLOWED"
        case 408: "REQUEST_TIMEOUT"
        case 409: "CONFLICT"
        case 413: "PAYLOAD_TOO_LARGE"
        case 415: "UNSUPPORTED_MEDIA_TYPE"
        case 422: "UNPROCESSABLE_ENTITY"
        case 429: "RATE_LIMITED"
        case 503: "SERVICE_UNAVAILABLE"
        default: status.code >= 500 ? "INTERNAL_ERROR" : "HTTP_\(status.code)"
        }
    }
}
