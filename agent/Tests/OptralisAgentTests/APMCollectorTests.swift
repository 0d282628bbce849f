import Foundation
@testable import OptralisAgent
import OptralisCore
import OptralisCurl
import OptralisTestSupport
import Testing

/// The `apm` collector against real HTTP and HTTPS servers (python's http.server, a certificate
/// made by openssl for 45 days) and a stand-in `journalctl`.
@Suite("APM probes")
struct APMCollectorTests {
    static let server = """
        import http.server, ssl, sys, threading
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                code = 200 if self.path == "/ok" else 503
                self.send_response(code); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
            def log_message(self, *args): pass
        plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        tls = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); context.load_cert_chain(sys.argv[1], sys.argv[2])
        tls.socket = context.wrap_socket(tls.socket, server_side=True)
        print(plain.server_address[1], tls.server_address[1], flush=True)
        threading.Thread(target=plain.serve_forever, daemon=True).start()
        tls.serve_forever()
        """

    @Test func probes_report_status_time_certificate_days_and_journal_errors() async throws {
        let directory = NSTemporaryDirectory() + "optralis-apm-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (cert, key) = ("\(directory)/cert.pem", "\(directory)/key.pem")
        let made = try await ChildProcess.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "45", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key, "-out", cert,
            ])
        try #require(made.status == 0, "\(made.output)")
        try Self.server.write(toFile: "\(directory)/server.py", atomically: true, encoding: .utf8)
        let server = try ChildProcess(executable: "/usr/bin/python3", arguments: ["\(directory)/server.py", cert, key])
        defer { server.signal(SIGKILL) }
        var ports: [Int] = []
        for _ in 0..<250 where ports.count < 2 {
            ports = server.output.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
            try await Task.sleep(for: .milliseconds(20))
        }
        try #require(ports.count == 2, "the test server did not start: \(server.output)")
        // journalctl stand-in: its arguments kept, three lines of errors printed.
        try "#!/bin/sh\necho \"$@\" > \(directory)/journal.args\nprintf 'one\\ntwo\\nthree\\n'\n".write(
            toFile: "\(directory)/journalctl", atomically: true, encoding: .utf8)
        chmod("\(directory)/journalctl", 0o755)

        let (ok, down, secure, closed) = (UUID(), UUID(), UUID(), UUID())
        let targets = APMProbeTargets()
        targets.replace(with: [
            APMProbeTarget(
                id: ok, url: "http://127.0.0.1:\(ports[0])/ok", intervalSeconds: 60, expectedStatus: 200, timeoutSeconds: 5, journalUnit: "shop.service"),
            APMProbeTarget(id: down, url: "http://127.0.0.1:\(ports[0])/down", intervalSeconds: 60, expectedStatus: 200, timeoutSeconds: 5, journalUnit: nil),
            APMProbeTarget(id: secure, url: "https://127.0.0.1:\(ports[1])/ok", intervalSeconds: 30, expectedStatus: 200, timeoutSeconds: 5, journalUnit: nil),
            APMProbeTarget(
                id: closed, url: "http://127.0.0.1:\(try freePort())/", intervalSeconds: 30, expectedStatus: 200, timeoutSeconds: 2, journalUnit: nil),
        ])
        let http = CurlClient(concurrency: 2)
        let collector = APMCollector(targets: targets, http: http, runner: CommandRunner(searchPath: [directory]), tls: TLSOptions(caFile: cert))
        let report = try await collector.collect()
        await http.shutdown()
        let byID = Dictionary(uniqueKeysWithValues: report.probes.map { ($0.applicationID, $0) })
        #expect(byID[ok]?.up == true && byID[ok]?.statusCode == 200 && (byID[ok]?.responseTimeMs ?? -1) > 0 && byID[ok]?.tlsDaysLeft == nil)
        #expect(byID[ok]?.errorCount == 3, "three journal lines")
        let arguments = (try? String(contentsOfFile: "\(directory)/journal.args", encoding: .utf8)) ?? ""
        #expect(arguments.hasPrefix("-u shop.service -p err --since @") && arguments.contains("--until @"), "\(arguments)")
        #expect(byID[down]?.up == false && byID[down]?.statusCode == 503 && byID[down]?.error == "status 503, expected 200" && byID[down]?.errorCount == nil)
        #expect(byID[secure]?.up == true && byID[secure]?.tlsDaysLeft == 44, "a 45-day certificate made just now: \(String(describing: byID[secure]))")
        #expect(byID[closed]?.up == false && byID[closed]?.statusCode == nil && byID[closed]?.error?.contains("curl error") == true)

        // Nothing is due again before its interval.
        await #expect(throws: NothingToReport.self) { try await collector.collect() }
    }
}
