import Foundation
import OptralisCurl
import OptralisTestSupport
import Testing

extension APIHarness {
    /// ``run(redisURL:environment:_:)`` with the real `optralis-ca` beside the api, on the api's
    /// database, sharing only `CA_SERVICE_TOKEN` with it (the ca gets no `INTERNAL_SERVICE_TOKEN`), serving certificates from `caDirectory` (fresh when
    /// nil). The ca is stopped with SIGTERM when `body` returns or throws.
    static func runWithCA(
        caDirectory: String? = nil, redisURL: String? = nil, database: TestDatabase? = nil, environment extra: [String: String] = [:],
        _ body: @Sendable (APIHarness, ServiceProcess) async throws -> Void
    ) async throws {
        let caPort = try freePort()
        let directory = caDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString)").path
        var environment = extra
        environment["CA_SERVICE_URL"] = "http://127.0.0.1:\(caPort)"
        try await run(redisURL: redisURL, database: database, environment: environment) { api in
            let ca = try ServiceProcess.launch(
                "optralis-ca",
                environment: [
                    "DATABASE_URL": api.database.url.urlString, "CA_SERVICE_TOKEN": APIHarness.caToken, "CA_DIR": directory,
                    "CA_PORT": String(caPort), "LOG_LEVEL": "warning",
                ], port: caPort)
            let curl = CurlClient(concurrency: 1)
            let serving = await ca.waitUntilServing(client: curl)
            await curl.shutdown()
            func stop() async {
                ca.child.signal(SIGTERM)
                _ = await ca.child.waitForExit(timeout: .seconds(5))
            }
            guard serving != nil else {
                await stop()
                Issue.record("optralis-ca did not start: \(ca.child.output.suffix(500))")
                return
            }
            do {
                try await body(api, ca)
            } catch {
                await stop()
                throw error
            }
            await stop()
        }
    }
}
