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
