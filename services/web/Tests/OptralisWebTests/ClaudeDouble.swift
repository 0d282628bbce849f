import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization

/// A stand-in for Anthropic's Messages API (`POST /v1/messages`), which the real `optralis-ai`
/// calls in these tests: it checks the request as Anthropic would (`x-api-key`,
/// `anthropic-version`, a model and messages), answers a `message` whose one text block is
/// `narrative` (the JSON the analyst prompt asks for), and keeps every request.
final class ClaudeDouble: Sendable {
    static let apiKey = "sk-ant-web-test"
    let narrative: String
    /// The raw bodies: `Data` is Sendable, a decoded `[String: Any]` is not.
    private let received = Mutex<[(headers: HTTPFields, body: Data)]>([])

    init(narrative: String) {
        self.narrative = narrative
    }

    var requests: [(headers: HTTPFields, body: [String: Any])] {
        received.withLock { $0 }.map { ($0.headers, (try? JSONSerialization.jsonObject(with: $0.body)) as? [String: Any] ?? [:]) }
    }

    /// Runs `body` with the double listening; `baseURL` is what `ANTHROPIC_BASE_URL` takes.
    static func serve(narrative: String, _ body: @Sendable (_ baseURL: String, ClaudeDouble) async throws -> Void) async throws {
        let double = ClaudeDouble(narrative: narrative)
        let router = Router()
        router.post("/v1/messages") { request, _ -> Response in try await double.answer(request) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)", double)
        }
    }

    private func answer(_ request: Request) async throws -> Response {
        let data = Data(buffer: try await request.body.collect(upTo: 1 << 20))
        let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        let count = received.withLock { received -> Int in
            received.append((request.headers, data))
            return received.count
        }
        guard request.headers[HTTPField.Name("x-api-key")!] == Self.apiKey else {
            return Self.json(401, ["type": "error", "error": ["type": "authentication_error", "message": "invalid x-api-key"]])
        }
        guard request.headers[HTTPField.Name("anthropic-version")!] != nil, body["model"] is String, body["max_tokens"] is Int,
            let messages = body["messages"] as? [[String: Any]], !messages.isEmpty
        else {
            return Self.json(400, ["type": "error", "error": ["type": "invalid_request_error", "message": "model, max_tokens and messages are required"]])
        }
        return Self.json(
            200,
            [
                "id": "msg_web_\(count)", "type": "message", "role": "assistant", "model": body["model"] as? String ?? "",
                "content": [["type": "text", "text": narrative]], "stop_reason": "end_turn", "stop_sequence": NSNull(),
                "usage": ["input_tokens": 812, "output_tokens": 164],
            ])
    }

    private static func json(_ status: Int, _ value: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value)) ?? Data()
        return Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: Array(data))))
    }
}
