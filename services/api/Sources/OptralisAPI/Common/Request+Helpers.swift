import Hummingbird

/// Where a request comes from, for the session and activity records.
func origin(_ request: Request, _ context: APIRequestContext) -> AuthService.Origin {
    AuthService.Origin(ip: context.clientIP, userAgent: request.headers[.userAgent])
}

extension Encodable {
    /// Encodes with the request context's JSON encoder (ISO 8601 dates), with any status.
    func jsonResponse(from request: Request, context: APIRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        var response = try context.responseEncoder.encode(self, from: request, context: context)
        response.status = status
        return response
    }
}
