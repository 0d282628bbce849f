import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import OptralisScheduler
import OptralisCurl
import OptralisPostgres
import OptralisTestSupport
import Testing

@Suite("Uptime tracking")
struct UptimeJobTests {
    @Test func records_each_service_and_opens_then_resolves_incidents() async throws {
        let test = try await TestDatabase.create()
        let router = Router()
        router.get("/health") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok","service":"api"}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let healthy = "http://127.0.0.1:\(client.port!)"
            let silent = "http://127.0.0.1:\(try freePort())"
            let database = Database(url: test.url, maximumConnections: 2, logger: testLogger)
            let http = CurlClient(concurrency: 2)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await database.client.run() }
                // A warm pool: the first connection's set-up is not the database's latency.
                try await database.waitUntilReachable(logger: testLogger)
                // A loaded test machine can take over a second to answer a ping: only up/down is checked here.
                let down = UptimeJob(database: database, http: http, apiURL: healthy, aiURL: silent, logger: testLogger, slowDatabase: .seconds(30))
                #expect(try await down.run() == ["online": 2, "offline": 1])
                _ = try await down.run()
                let (rows, incidents) = try await counts(database)
                #expect(rows == ["ai:offline": 2, "api:online": 2, "database:online": 2])
                #expect(incidents == ["ai:open": 1], "one open incident while the service stays down")

                let back = UptimeJob(database: database, http: http, apiURL: healthy, aiURL: healthy, logger: testLogger, slowDatabase: .seconds(30))
                _ = try await back.run()
                let (_, after) = try await counts(database)
                #expect(after == ["ai:resolved": 1])
                group.cancelAll()
            }
            await http.shutdown()
        }
        try await test.drop()
    }

    func counts(_ database: Database) async throws -> ([String: Int], [String: Int]) {
        var rows: [String: Int] = [:]
        for try await (name, status, count) in try await database.client.query(
            "SELECT service_name, status, count(*)::int FROM service_uptime GROUP BY 1, 2", logger: testLogger
        ).decode((String, String, Int).self) { rows["\(name):\(status)"] = count }
        var incidents: [String: Int] = [:]
        for try await (name, open, count) in try await database.client.query(
            "SELECT service_name, resolved_at IS NULL, count(*)::int FROM service_incidents GROUP BY 1, 2", logger: testLogger
        ).decode((String, Bool, Int).self) { incidents["\(name):\(open ? "open" : "resolved")"] = count }
        return (rows, incidents)
    }
}
