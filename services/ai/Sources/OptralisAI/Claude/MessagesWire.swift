/// The Messages API's JSON, as sent and received (only the fields the service uses).
enum MessagesWire {
    struct Request: Encodable {
        var model: String
        var maxTokens: Int
        var system: String?
        var messages: [ClaudeMessage]

        enum CodingKeys: String, CodingKey {
            case model, maxTokens = "max_tokens", system, messages
        }
    }

    struct Response: Decodable {
        var id: String
        var model: String
        var content: [ContentBlock]
        var stopReason: String?
        var usage: ClaudeUsage

        enum CodingKeys: String, CodingKey {
            case id, model, content, stopReason = "stop_reason", usage
        }
    }

    /// A block of the answer; only `text` blocks carry text.
    struct ContentBlock: Decodable {
        var type: String
        var text: String?
    }

    /// `{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}`.
    struct ErrorResponse: Decodable {
        struct Detail: Decodable {
            var type: String
            var message: String
        }

        var type: String
        var error: Detail
    }
}
