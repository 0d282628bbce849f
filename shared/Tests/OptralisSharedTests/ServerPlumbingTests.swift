import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import OptralisCore
import OptralisServer
import Testing

@Suite("Shared HTTP plumbing: request ids, JSON errors, health")
struct ServerPlumbingTests {
    struct Failure: Error {}

    func application(checks: [HealthCheck] = []) -> some ApplicationProtocol {
        let router = Router(context: ServiceRequestContext.self)
        router.addStandardMiddleware()
        router.addStandardRoutes(health: HealthReporter(service: "test", checks: checks))
        router.get("/conflict") { _, _ -> String in throw AppError.conflict("label already exists", code: "LABEL_EXISTS") }
        router.get("/crash") { _, _ -> String in throw Failure() }
        router.get("/echo-id") { _, context -> String in context.id }
        router.get("/ended-early") { _, _ -> String in throw HTTPParserError.invalidEOFState }
        router.post("/upload") { request, context -> String in
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            return "\(body.readableBytes)"
        }
        return Application(router: router)
    }

    func decodeError(_ response: TestResponse) throws -> ErrorBody {
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        return try JSONDecoder().decode(ErrorBody.self, from: Data(buffer: response.body))
    }

    @Test func a_well_formed_request_id_is_kept_and_echoed_otherwise_one_is_generated() async throws {
        try await application().test(.router) { client in
            try await client.execute(uri: "/echo-id", method: .get, headers: [.requestID: "abc-123:retry.2"]) { response in
                #expect(response.headers[.requestID] == "abc-123:retry.2")
                #expect(String(buffer: response.body) == "abc-123:retry.2", "handlers and their logs see the same id")
            }
            try await client.execute(uri: "/echo-id", method: .get, headers: [.requestID: "bad id\twith spaces"]) { response in
                let generated = try #require(response.headers[.requestID])
                #expect(generated != "bad id\twith spaces")
                #expect(!generated.isEmpty)
            }
            try await client.execute(uri: "/echo-id", method: .get) { response in
                #expect(response.headers[.requestID].map { !$0.isEmpty } == true)
            }
        }
    }

    @Test func app_errors_unknown_routes_and_crashes_all_answer_the_json_error_shape() async throws {
        try await application().test(.router) { client in
            try await client.execute(uri: "/conflict", method: .get) { response in
                #expect(response.status == .conflict)
                let body = try decodeError(response)
                #expect(body == ErrorBody(error: "label already exists", code: "LABEL_EXISTS"))
            }
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try decodeError(response)
                #expect(body.code == "NOT_FOUND")
                #expect(response.headers[.requestID] != nil, "errors carry the request id too")
            }
            try await client.execute(uri: "/ended-early", method: .get) { response in
                #expect(response.status == .badRequest)
                let body = try decodeError(response)
                #expect(body == ErrorBody(error: "the request could not be read: stream ended at an unexpected time", code: "BAD_REQUEST"))
            }
            try await client.execute(uri: "/crash", method: .get) { response in
                #expect(response.status == .internalServerError)
                let body = try decodeError(response)
                #expect(body == ErrorBody(error: "internal server error", code: "INTERNAL_ERROR"), "internal details never reach the client")
            }
        }
    }

    @Test func bodies_up_to_10_mb_are_read_and_larger_ones_are_413() async throws {
        try await application().test(.router) { client in
            try await client.execute(uri: "/upload", method: .post, body: ByteBuffer(repeating: 1, count: 9 * 1024 * 1024)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "\(9 * 1024 * 1024)")
            }
            try await client.execute(uri: "/upload", method: .post, body: ByteBuffer(repeating: 1, count: 11 * 1024 * 1024)) { response in
                #expect(response.status == .contentTooLarge)
                let body = try decodeError(response)
                #expect(body.code == "PAYLOAD_TOO_LARGE")
            }
        }
    }

    /// A body that the HTTP parser cannot read (a malformed chunk; a connection closed mid-body, as
    /// agents' are when the api stops) reaches the handler as `HTTPParserError`: the client's
    /// fault, a 400 (`/ended-early` above), never a 500 logged as the server's error.
    @Test func a_malformed_chunked_body_is_a_400() async throws {
        try await application().test(.live) { client in
            let port = try #require(client.port)
            let answer = try await Self.exchange(
                "POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n", port: port)
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer)")
        }
    }

    /// Writes `request` as it is on a new connection and returns what comes back until the server
    /// closes it (at most 5 s).
    static func exchange(_ request: String, port: Int) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(string: request))
                    var answer = ""
                    for try await chunk in inbound { answer += String(buffer: chunk) }
                    return answer
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(5))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first ?? "no answer within 5 s"
        }
    }

    @Test func health_is_ok_degraded_or_down_from_its_dependencies() async throws {
        struct Down: Error, CustomStringConvertible { var description: String { "connection refused" } }
        let up = HealthCheck(name: "postgres", required: true) { .milliseconds(2) }
        let optionalDown = HealthCheck(name: "redis", required: false) { throw Down() }
        let requiredDown = HealthCheck(name: "postgres", required: true) { throw Down() }

        func report(_ checks: [HealthCheck]) async throws -> (HTTPResponse.Status, HealthReport) {
            try await application(checks: checks).test(.router) { client in
                try await client.execute(uri: "/health", method: .get) { response in
                    (response.status, try JSONDecoder().decode(HealthReport.self, from: Data(buffer: response.body)))
                }
            }
        }
        let (okStatus, ok) = try await report([up])
        #expect(okStatus == .ok)
        #expect(ok.status == .ok)
        #expect(ok.checks["postgres"]?.latencyMs == 2)

        let (degradedStatus, degraded) = try await report([up, optionalDown])
        #expect(degradedStatus == .ok, "an optional dependency down does not fail the health check")
        #expect(degraded.status == .degraded)
        #expect(degraded.checks["redis"] == DependencyHealth(status: .down, required: false, error: "connection refused"))

        let (downStatus, down) = try await report([requiredDown, optionalDown])
        #expect(downStatus == .serviceUnavailable)
        #expect(down.status == .down)
    }
}
