import Foundation
import OptralisCurl

/// One of the built executables running as it would in production, for the tests that check
/// it starts, answers `/health` and `/metrics`, and stops on SIGTERM.
public struct ServiceProcess: Sendable {
    public let child: ChildProcess
    public let port: Int

    public static func launch(_ binary: String, arguments: [String] = [], environment: [String: String], port: Int) throws -> ServiceProcess {
        var variables = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OPTRALIS_TEST_") }
        variables.merge(environment) { _, new in new }
        variables["BIND_ADDRESS"] = "127.0.0.1"
        let path = TestEnvironment.binaryDirectory.appendingPathComponent(binary).path
        return ServiceProcess(child: try ChildProcess(executable: path, arguments: arguments, environment: variables), port: port)
    }

    /// Polls `GET /health` until it answers (any status) or the process dies.
    public func waitUntilServing(client: CurlClient, timeout: Duration = .seconds(60)) async -> OutboundResponse? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline && child.isRunning {
            if let response = try? await client.send(OutboundRequest(url: "http://127.0.0.1:\(port)/health", timeout: .seconds(2))) {
                return response
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }
}
