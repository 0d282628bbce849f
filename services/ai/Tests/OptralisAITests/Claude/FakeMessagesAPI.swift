import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OptralisCurl
@testable import OptralisAI
import OptralisTestSupport
import Synchronization

/// A local stand-in for the Messages API: answers `POST /v1/messages` with what the test
/// scripts for each attempt (status, headers, a fixture body) and records every request.
final class FakeMessagesAPI: Sendable {
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPFields = [:]
        var body: String
        var delay: Duration = .zero

        static func fixture(_ status: Int, _ name: String, headers: HTTPFields = [:]) -> Answer {
            Answer(status: status, headers: headers, body: ClaudeFixtures.text(name))
        }
    }

    struct Received: Sendable {
        var headers: HTTPFields
        var body: String
        var at: ContinuousClock.Instant

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    let received = Mutex<[Received]>([])
    let script: @Sendable (_ attempt: Int) -> Answer

    init(_ script: @escaping @Sendable (_ attempt: Int) -> Answer) {
        self.script = script
    }

    var requests: [Received] { received.withLock { $0 } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/messages") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            let attempt = self.received.withLock { received -> Int in
                received.append(Received(headers: request.headers, body: body, at: .now))
                return received.count
            }
            let answer = self.script(attempt)
            if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
            var headers = answer.headers
            headers[.contentType] = "application/json"
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        return router
    }

    /// Runs `body` with a fake answering `script` at the base URL it is given.
    static func serve(
        script: @escaping @Sendable (Int) -> Answer, _ body: @Sendable (_ baseURL: String, FakeMessagesAPI) async throws -> Void
    ) async throws {
        let fake = FakeMessagesAPI(script)
        let app = Application(router: fake.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)", fake)
        }
    }

    /// Runs `body` with a client pointed at a fake answering `script`.
    static func run(
        maxRetries: Int = 3, timeout: Duration = .seconds(10), script: @escaping @Sendable (Int) -> Answer,
        _ body: @Sendable (ClaudeClient, FakeMessagesAPI) async throws -> Void
    ) async throws {
        try await serve(script: script) { baseURL, fake in
            let http = CurlClient(concurrency: 2)
            let configuration = ClaudeConfiguration(
                apiKey: "sk-ant-test-key", baseURL: baseURL + "/", timeout: timeout, maxRetries: maxRetries,
                retryBase: .milliseconds(20), maximumRetryWait: .seconds(5))
            do {
                try await body(ClaudeClient(configuration: configuration, http: http, logger: testLogger), fake)
            } catch {
                await http.shutdown()
                throw error
            }
            await http.shutdown()
        }
    }
}
