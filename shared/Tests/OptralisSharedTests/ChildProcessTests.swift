import Foundation
import OptralisTestSupport
import Testing

@Suite("Test support: child processes")
struct ChildProcessTests {
    /// Started from a pool thread, which blocks nearly every signal, a child used to inherit that
    /// mask and ignore SIGTERM: the tests' "graceful stops" did nothing and the servers outlived them.
    @Test func a_child_started_from_the_pool_stops_on_sigterm() async throws {
        let child = try await Task.detached { try ChildProcess(executable: "/bin/sleep", arguments: ["30"]) }.value
        try await Task.sleep(for: .milliseconds(200))
        child.signal(SIGTERM)
        let status = await child.waitForExit(timeout: .seconds(5))
        if status == nil { child.signal(SIGKILL) }
        #expect(status != nil, "SIGTERM did not stop the child")
    }
}
