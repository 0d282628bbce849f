/// The JSON body of every error response: `{"error": "...", "code": "..."}`.
public struct ErrorBody: Codable, Sendable, Equatable {
    public let error: String
    public let code: String

    public init(error: String, code: String) {
        self.error = error
        self.code = code
    }
}
