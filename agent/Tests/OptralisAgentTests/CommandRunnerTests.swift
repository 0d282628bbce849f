import Foundation
import Testing

@testable import OptralisAgent

@Suite("Command runner")
struct CommandRunnerTests {
    let runner = CommandRunner(searchPath: ["/usr/bin", "/bin"])

    @Test func captures_standard_output_and_the_exit_status() async throws {
        let result = try #require(try await runner.run("sh", ["-c", "echo out; echo err >&2; exit 3"]))
        #expect(result.status == 3 && result.output == "out\n")
    }

    @Test func reads_output_larger_than_a_pipe_buffer() async throws {
        let result = try #require(try await runner.run("sh", ["-c", "head -c 300000 /dev/zero | tr '\\0' a"]))
        #expect(result.status == 0 && result.output.utf8.count == 300_000 && result.output.allSatisfy { $0 == "a" })
    }

    @Test func runs_with_a_c_locale_and_the_search_path_only() async throws {
        let result = try #require(try await runner.run("sh", ["-c", "echo $LANG $PATH"]))
        #expect(result.output == "C /usr/bin:/bin\n")
    }

    @Test func a_tool_past_its_timeout_is_stopped() async throws {
        let start = ContinuousClock.now
        let result = try #require(try await runner.run("sleep", ["10"], timeout: .milliseconds(300)))
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(result.status == 128 + SIGTERM)
    }

    @Test func cancelling_stops_the_tool_at_once() async throws {
        let start = ContinuousClock.now
        let running = Task { try await runner.run("sleep", ["10"]) }
        try await Task.sleep(for: .milliseconds(200))
        running.cancel()
        await #expect(throws: CancellationError.self) { try await running.value }
        #expect(ContinuousClock.now - start < .seconds(3), "the agent stops within seconds of SIGTERM, whatever tool is running")
    }

    @Test func a_missing_tool_gives_nil() async throws {
        #expect(try await runner.run("optralis-no-such-tool", []) == nil)
    }
}
