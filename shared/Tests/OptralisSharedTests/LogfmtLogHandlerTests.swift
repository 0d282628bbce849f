import Foundation
import Logging
@testable import OptralisCore
import Testing

@Suite("One logfmt line per event")
struct LogfmtLogHandlerTests {
    @Test func service_and_request_id_come_first_then_sorted_fields() {
        let line = LogfmtLogHandler.format(
            date: Date(timeIntervalSince1970: 1_795_000_000.25), level: .info, service: "api", message: "request",
            metadata: ["status": "200", "hb.request.id": "abc-123", "method": "GET"])
        #expect(line == "ts=2026-11-18T11:06:40.250Z level=info service=api request_id=abc-123 msg=request method=GET status=200")
    }

    @Test func values_with_spaces_quotes_or_newlines_stay_on_one_quoted_line() {
        let line = LogfmtLogHandler.format(
            date: Date(timeIntervalSince1970: 0), level: .error, service: "notifier", message: "send failed",
            metadata: ["error": "timeout \"smtp\"\nretrying", "empty": ""])
        #expect(!line.contains("\n"))
        #expect(line.hasSuffix(#"msg="send failed" empty="" error="timeout \"smtp\"\nretrying""#), "\(line)")
    }

    @Test func lines_reach_the_sink_whole_when_logged_concurrently() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString)").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        defer { close(descriptor) }
        let sink = LogSink(descriptor: descriptor)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    let logger = Logger(label: "t") { _ in LogfmtLogHandler(service: "api", level: .info, sink: sink) }
                    for index in 0..<200 { logger.info("event", metadata: ["task": "\(task)", "index": "\(index)"]) }
                }
            }
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1600)
        #expect(lines.allSatisfy { $0.hasPrefix("ts=") && $0.contains(" service=api msg=event index=") })
    }
}
