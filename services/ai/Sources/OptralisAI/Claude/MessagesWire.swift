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

/// One turn of the conversation sent to Claude.
struct ClaudeMessage: Sendable, Equatable, Encodable {
    enum Role: String, Sendable, Encodable {
        case user, assistant
    }

    var role: Role
    var content: String

    static func user(_ content: String) -> ClaudeMessage {
        ClaudeMessage(role: .user, content: content)
    }
}

/// Claude's answer: the text blocks joined, why it stopped (`end_turn`, or `max_tokens` when
/// the answer was cut at `AI_MAX_TOKENS`) and the tokens used.
struct ClaudeReply: Sendable, Equatable, Codable {
    var id: String
    var model: String
    var text: String
    var stopReason: String?
    var usage: ClaudeUsage

    var wasTruncated: Bool { stopReason == "max_tokens" }
}

struct ClaudeUsage: Sendable, Equatable, Codable {
    var inputTokens: Int
    var outputTokens: Int

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", outputTokens = "output_tokens"
    }
}
