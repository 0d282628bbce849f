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
