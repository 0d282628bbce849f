import Foundation
@testable import OptralisAgent
import OptralisCore
import OptralisCurl
import OptralisTestSupport
import Testing

/// The waits between an agent's tries: capped, jittered, and sized by the gateway's hints.
@Suite("Agent retry policy")
struct AgentRetryPolicyTests {
    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    @Test func unreachable_grows_with_full_jitter_up_to_the_reconnect_window() {
        var policy = AgentRetryPolicy()
        #expect(policy.reconnectWindow == Double(AgentRetryPolicy.defaultReconnectWindow))
        let delays = (1...200).map { _ in seconds(policy.nextDelay(after: .unreachable)) }
        #expect(delays[0] <= 0.5 && delays[1] <= 1 && delays[2] <= 2, "\(delays.prefix(3))")
        #expect(delays.allSatisfy { $0 >= 0 && $0 <= Double(AgentRetryPolicy.defaultReconnectWindow) }, "\(delays.max() ?? 0)")
        // Full jitter: spread over the whole window, not bunched at its end.
        let late = delays.dropFirst(10)
        #expect(late.min()! < 1 && late.max()! > 4, "min \(late.min()!), max \(late.max()!)")
        policy.reset()
        #expect(policy.attempt == 0)
        #expect(seconds(policy.nextDelay(after: .unreachable)) <= 0.5)
    }

    @Test func the_gateway_window_caps_the_unreachable_backoff_within_bounds() {
        var policy = AgentRetryPolicy()
        policy.setReconnectWindow(seconds: 12)
        let delays = (1...300).map { _ in seconds(policy.nextDelay(after: .unreachable)) }
        #expect(delays.allSatisfy { $0 <= 12 } && delays.max()! > 8, "\(delays.max()!)")
        policy.setReconnectWindow(seconds: 1_000_000)
        #expect(policy.reconnectWindow == Double(AgentRetryPolicy.reconnectWindowRange.upperBound))
        // Never above the plain cap either.
        #expect((1...300).allSatisfy { _ in seconds(policy.nextDelay(after: .unreachable)) <= policy.cap })
        policy.setReconnectWindow(seconds: -5)
        #expect(policy.reconnectWindow == 1)
        #expect((1...100).allSatisfy { _ in seconds(policy.nextDelay(after: .unreachable)) <= 1 })
    }

    @Test func retry_after_is_honoured_jittered_and_bounded() {
        var policy = AgentRetryPolicy()
        let waits = (1...200).map { _ in seconds(policy.nextDelay(after: .shedding(retryAfter: 8))) }
        #expect(waits.allSatisfy { $0 >= 8 && $0 <= 12 }, "\(waits.min()!)…\(waits.max()!)")
        #expect(Set(waits.map { Int($0 * 10) }).count > 10, "jittered")
        // A bogus hint cannot park an agent for a day, nor make it hammer the gateway.
        #expect((1...50).allSatisfy { _ in seconds(policy.nextDelay(after: .shedding(retryAfter: 86_400))) <= 450 })
        #expect((1...50).allSatisfy { _ in seconds(policy.nextDelay(after: .shedding(retryAfter: 0))) >= 1 })
        #expect(AgentRetryPolicy.retryAfter("5") == 5)
        #expect(AgentRetryPolicy.retryAfter(" 7 ") == 7)
        #expect(AgentRetryPolicy.retryAfter("999999999999") == 300)
        #expect(AgentRetryPolicy.retryAfter("0") == 1)
        #expect(AgentRetryPolicy.retryAfter("-3") == nil)
        #expect(AgentRetryPolicy.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT") == nil)
        #expect(AgentRetryPolicy.retryAfter(nil) == nil)
        #expect(AgentRetryPolicy.retryAfter("99999999999999999999999") == nil)
    }

    @Test func other_failures_and_shedding_without_a_hint_back_off_up_to_thirty_seconds() {
        var policy = AgentRetryPolicy()
        let delays = (1...100).map { _ in seconds(policy.nextDelay(after: .other)) }
        #expect(delays.allSatisfy { $0 <= 30 } && delays.max()! > 20, "\(delays.max()!)")
        policy.reset()
        #expect(seconds(policy.nextDelay(after: .shedding(retryAfter: nil))) <= 0.5)
    }

    @Test func outcomes_map_to_failures() {
        #expect(GatewayClient.Outcome.unreachable(reason: "refused").failure == .unreachable)
        #expect(GatewayClient.Outcome.shedding(status: 503, retryAfter: 5).failure == .shedding(retryAfter: 5))
        #expect(GatewayClient.Outcome.retryLater(reason: "HTTP 500").failure == .other)
        #expect(GatewayClient.Outcome.delivered.failure == nil)
        #expect(GatewayClient.Outcome.licenceInactive(code: "LICENSE_EXPIRED").failure == nil)
    }

    /// The gateway client against a real HTTP server answering what a shedding gateway (or a
    /// proxy in front of a missing one) answers, and against a closed port.
    @Test func the_gateway_client_tells_unreachable_from_shedding_and_reads_retry_after() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shedding-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = """
            import http.server, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    self.rfile.read(int(self.headers.get('Content-Length', 0)))
                    status, _, after = self.path.strip('/').partition('-')
                    self.send_response(int(status))
                    if after: self.send_header('Retry-After', after)
                    self.send_header('Content-Length', '2'); self.end_headers(); self.wfile.write(b'{}')
                def log_message(self, *args): pass
            http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
            """
        try script.write(toFile: folder + "/server.py", atomically: true, encoding: .utf8)
        let port = try freePort()
        let server = try ChildProcess(executable: "/usr/bin/python3", arguments: [folder + "/server.py", String(port)])
        defer { server.signal(SIGTERM) }
        let http = CurlClient(concurrency: 1)
        func client(_ base: String) -> GatewayClient {
            GatewayClient(
                files: AgentFiles(configDirectory: folder, stateDirectory: folder),
                enrolment: .init(serverURL: base, agentAPIURL: base, clientID: UUID(), machineID: UUID(), certificateExpiresAt: Date()), http: http)
        }
        let gateway = client("http://127.0.0.1:\(port)")
        #expect(await eventually { await gateway.post("/200", body: Data()).0 == .delivered })
        #expect(await gateway.post("/503-7", body: Data()).0 == .shedding(status: 503, retryAfter: 7))
        #expect(await gateway.post("/429", body: Data()).0 == .shedding(status: 429, retryAfter: nil))
        #expect(await gateway.post("/503-86400", body: Data()).0 == .shedding(status: 503, retryAfter: 300), "bounded where it is read")
        #expect(await gateway.post("/502", body: Data()).0.failure == .unreachable)
        #expect(await gateway.post("/500", body: Data()).0.failure == .other)
        let closed = client("http://127.0.0.1:\(try freePort())")
        #expect(await closed.post("/200", body: Data()).0.failure == .unreachable)
        await http.shutdown()
    }
}
