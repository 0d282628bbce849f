import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OptralisCurl
import OptralisTestSupport
import Synchronization
import Testing

@Suite("Outbound HTTP and SMTP over libcurl")
struct CurlClientTests {
    /// What the local HTTP server saw of the last request.
    final class Recorder: Sendable {
        let last = Mutex<(method: String, headers: [String: String], body: [UInt8])?>(nil)
    }

    func withHTTPServer(_ body: @Sendable (Int, Recorder) async throws -> Void) async throws {
        let recorder = Recorder()
        let router = Router()
        router.on("/hook", method: .post) { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value } // canonical names are lowercase
            recorder.last.withLock { $0 = (request.method.rawValue, headers, Array(buffer: bytes)) }
            return Response(
                status: .created, headers: [.contentType: "application/json", HTTPField.Name("X-Hook-Id")!: "42"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"ok":true}"#)))
        }
        router.on("/hook", method: .delete) { request, _ -> HTTPResponse.Status in
            recorder.last.withLock { $0 = (request.method.rawValue, [:], []) }
            return .noContent
        }
        router.get("/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(3))
            return "late"
        }
        router.get("/big") { _, _ -> ByteBuffer in ByteBuffer(repeating: UInt8(ascii: "x"), count: 2 << 20) }
        router.get("/error") { _, _ -> Response in Response(status: .badGateway, body: .init(byteBuffer: ByteBuffer(string: "upstream down"))) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(client.port!, recorder)
        }
    }

    @Test func consecutive_requests_reuse_the_kept_alive_connection() async throws {
        // An HTTP/1.1 server that answers each request with the client's port.
        let port = try freePort()
        let server = try ChildProcess(
            executable: "/usr/bin/python3",
            arguments: [
                "-c",
                """
                import http.server
                class Peer(http.server.BaseHTTPRequestHandler):
                    protocol_version = "HTTP/1.1"
                    def do_GET(self):
                        body = str(self.client_address[1]).encode()
                        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
                    def log_message(self, *args): pass
                http.server.ThreadingHTTPServer(("127.0.0.1", \(port)), Peer).serve_forever()
                """,
            ])
        defer { server.signal(SIGTERM) }
        let curl = CurlClient(concurrency: 1)
        #expect(await eventually { (try? await curl.send(OutboundRequest(url: "http://127.0.0.1:\(port)/")))?.status == 200 })
        var ports: Set<String> = []
        for _ in 0..<5 { ports.insert(try await curl.send(OutboundRequest(url: "http://127.0.0.1:\(port)/")).bodyText) }
        #expect(ports.count == 1, "five requests, one connection: \(ports)")
        await curl.shutdown()
    }

    @Test func post_sends_the_exact_body_and_headers_and_reads_the_response() async throws {
        let curl = CurlClient(concurrency: 2)
        try await withHTTPServer { port, recorder in
            let payload = Array(#"{"text":"disque plein à 95 % — \"sda\""}"#.utf8)
            let response = try await curl.send(
                .postJSON("http://127.0.0.1:\(port)/hook", body: payload, headers: [("X-Request-ID", "req-7"), ("Authorization", "Bearer t0k")]))
            #expect(response.status == 201)
            #expect(response.bodyText == #"{"ok":true}"#)
            #expect(response.header("x-hook-id") == "42", "header lookup ignores case")
            let seen = try #require(recorder.last.withLock { $0 })
            #expect(seen.method == "POST")
            #expect(seen.body == payload, "the server received the body byte for byte")
            #expect(seen.headers["content-type"] == "application/json")
            #expect(seen.headers["x-request-id"] == "req-7")
            #expect(seen.headers["authorization"] == "Bearer t0k")
            #expect(seen.headers["user-agent"]?.hasPrefix("optralis/") == true)

            let deleted = try await curl.send(OutboundRequest(method: .delete, url: "http://127.0.0.1:\(port)/hook"))
            #expect(deleted.status == 204)
            #expect(recorder.last.withLock { $0?.method } == "DELETE")
        }
        await curl.shutdown()
    }

    @Test func an_error_status_is_an_answer_not_a_thrown_error() async throws {
        let curl = CurlClient(concurrency: 1)
        try await withHTTPServer { port, _ in
            let response = try await curl.send(OutboundRequest(url: "http://127.0.0.1:\(port)/error"))
            #expect(response.status == 502)
            #expect(response.bodyText == "upstream down")
        }
        await curl.shutdown()
    }

    @Test func a_slow_server_times_out_and_a_huge_body_is_cut_off() async throws {
        let curl = CurlClient(concurrency: 2)
        try await withHTTPServer { port, _ in
            let started = ContinuousClock.now
            let timeout = await #expect(throws: CurlError.self) {
                try await curl.send(OutboundRequest(url: "http://127.0.0.1:\(port)/slow", timeout: .milliseconds(300)))
            }
            #expect(timeout?.isTimeout == true, "\(String(describing: timeout))")
            #expect(ContinuousClock.now - started < .seconds(2))

            let big = await #expect(throws: CurlError.self) {
                try await curl.send(OutboundRequest(url: "http://127.0.0.1:\(port)/big", maximumResponseBytes: 1 << 20))
            }
            #expect(big?.message.contains("response larger than 1048576 bytes") == true)
            var kept = OutboundRequest(url: "http://127.0.0.1:\(port)/big", maximumResponseBytes: 1 << 20)
            kept.keepsTruncatedBody = true
            let cut = try await curl.send(kept)
            #expect(cut.status == 200 && cut.truncated && cut.body.count <= 1 << 20 && cut.body.count > 1 << 19, "\(cut.body.count)")
            #expect(try await curl.send(OutboundRequest(url: "http://127.0.0.1:\(port)/error")).truncated == false)
        }
        await curl.shutdown()
    }

    /// A hung webhook or mail server must not hold a stopping service for the transfer's whole
    /// timeout: cancelling the task stops the transfer (the notifier's SIGTERM relies on it).
    @Test func cancelling_the_task_stops_a_hung_transfer_within_seconds() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let curl = CurlClient(concurrency: 2)
        let transfers: [@Sendable () async throws -> Void] = [
            { _ = try await curl.send(OutboundRequest(url: "http://127.0.0.1:\(silent.port)/hook", timeout: .seconds(60))) },
            {
                let message = EmailMessage(from: "a@optralis.test", fromName: "A", to: ["b@example.com"], subject: "s", text: "t", html: "<p>t</p>")
                try await curl.sendMail(message.envelope, via: SMTPSettings(host: "127.0.0.1", port: silent.port, security: .none, timeout: .seconds(60)))
            },
        ]
        for transfer in transfers {
            let task = Task { try await transfer() }
            try await Task.sleep(for: .milliseconds(500))
            let cancelled = ContinuousClock.now
            task.cancel()
            let outcome = await task.result
            let waited = ContinuousClock.now - cancelled
            #expect(throws: CancellationError.self) { try outcome.get() }
            #expect(waited < .seconds(3), "the transfer went on \(waited) after the cancellation")
        }
        // A task cancelled before its transfer starts does not start it.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            _ = try await curl.send(OutboundRequest(url: "http://127.0.0.1:\(silent.port)/hook", timeout: .seconds(60)))
        }
        let earlyOutcome = await early.result
        #expect(throws: CancellationError.self) { try earlyOutcome.get() }
        await curl.shutdown()
    }

    /// `unixSocketPath` sends the request over that socket (the Docker Engine's way); the URL's
    /// host and port are not dialled, and a reused worker handle forgets the socket afterwards.
    @Test func a_request_goes_through_a_unix_socket_when_one_is_set() async throws {
        let router = Router()
        let seen = Mutex<[String]>([])
        router.post("/v1.43/containers/:id/start") { request, _ -> Response in
            seen.withLock { $0.append("\(request.method) \(request.uri) host=\(request.head.authority ?? "")") }
            return Response(status: .noContent)
        }
        router.get("/v1.43/version") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"ApiVersion":"1.43"}"#)))
        }
        let curl = CurlClient(concurrency: 1)
        try await withUnixSocketServer(router) { path in
            let version = try await curl.send(OutboundRequest(url: "http://localhost/v1.43/version", unixSocketPath: path))
            #expect(version.status == 200 && version.bodyText == #"{"ApiVersion":"1.43"}"#)
            let started = try await curl.send(OutboundRequest(method: .post, url: "http://localhost/v1.43/containers/abc/start?x=1", unixSocketPath: path))
            #expect(started.status == 204)
            #expect(seen.withLock { $0 } == ["POST /v1.43/containers/abc/start?x=1 host=localhost"])
            // The same worker, without the socket: the URL's host is dialled again (nobody there).
            let port = try freePort()
            await #expect(throws: CurlError.self) { try await curl.send(OutboundRequest(url: "http://127.0.0.1:\(port)/v1.43/version")) }
        }
        let gone = await #expect(throws: CurlError.self) {
            try await curl.send(OutboundRequest(url: "http://localhost/v1.43/version", unixSocketPath: "/nonexistent/optralis/docker.sock"))
        }
        #expect(gone?.message.lowercased().contains("connect") == true, "\(String(describing: gone))")
        await curl.shutdown()
    }

    @Test func nobody_listening_is_a_connection_error() async throws {
        let curl = CurlClient(concurrency: 1)
        let port = try freePort()
        let error = await #expect(throws: CurlError.self) { try await curl.send(OutboundRequest(url: "http://127.0.0.1:\(port)/")) }
        #expect(error?.message.lowercased().contains("connect") == true, "\(String(describing: error))")
        await #expect(throws: CurlError.self) { try await curl.send(OutboundRequest(url: "ftp://127.0.0.1:\(port)/")) }
        await curl.shutdown()
    }

    @Test func an_email_reaches_a_real_smtp_server_byte_for_byte() async throws {
        let server = try await SMTPTestServer()
        let curl = CurlClient(concurrency: 1)
        let message = EmailMessage(
            from: "alerts@optralis.test", fromName: "Optralis Alertes", to: ["ops@example.com", "oncall@example.com"],
            subject: "Disque critique sur srv-01 — 95 %", text: "Le disque / est plein à 95 %.\n",
            html: "<p>Le disque <b>/</b> est plein à 95&nbsp;%.</p>")
        try await curl.sendMail(message.envelope, via: SMTPSettings(host: "127.0.0.1", port: server.port, security: .none))

        let received = try server.received()
        try #require(received.count == 1)
        let mail = received[0]
        #expect(mail.mailFrom == "alerts@optralis.test")
        #expect(mail.rcptTos == ["ops@example.com", "oncall@example.com"])
        #expect(mail.tls == false)
        #expect(mail.data == String(decoding: message.envelope.message, as: UTF8.self), "the DATA the server stored is the message we built")
        #expect(mail.data.contains("Subject: =?utf-8?B?"), "a non-ASCII subject is RFC 2047 encoded")
        let textPart = mail.data.components(separatedBy: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")[1]
            .components(separatedBy: "\r\n--")[0].replacingOccurrences(of: "\r\n", with: "")
        #expect(String(decoding: Data(base64Encoded: textPart)!, as: UTF8.self) == "Le disque / est plein à 95 %.\n")
        await curl.shutdown()
    }

    @Test func starttls_and_auth_are_used_and_a_wrong_password_is_refused() async throws {
        let server = try await SMTPTestServer(tls: true, user: "mailer", password: "s3cret-pass")
        let curl = CurlClient(concurrency: 1)
        let trusted = TLSOptions(caFile: server.certificateFile)
        let message = EmailMessage(from: "noreply@optralis.test", to: ["admin@example.com"], subject: "Test", text: "hello")

        try await curl.sendMail(
            message.envelope,
            via: SMTPSettings(host: "127.0.0.1", port: server.port, username: "mailer", password: "s3cret-pass", security: .starttls, tls: trusted))
        let received = try server.received()
        #expect(received.count == 1)
        #expect(received.first?.tls == true, "the message travelled after STARTTLS")
        #expect(received.first?.authenticatedAs == "mailer")

        await #expect(throws: CurlError.self) {
            try await curl.sendMail(
                message.envelope,
                via: SMTPSettings(host: "127.0.0.1", port: server.port, username: "mailer", password: "wrong", security: .starttls, tls: trusted))
        }
        await #expect(throws: CurlError.self, "an untrusted certificate is refused") {
            try await curl.sendMail(
                message.envelope, via: SMTPSettings(host: "127.0.0.1", port: server.port, username: "mailer", password: "s3cret-pass"))
        }
        #expect(try server.received().count == 1, "nothing else was delivered")
        await curl.shutdown()
    }
}
