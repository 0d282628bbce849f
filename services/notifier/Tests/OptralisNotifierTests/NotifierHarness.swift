import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OptralisCore
import OptralisRedis
import OptralisTestSupport
import PostgresNIO
import Synchronization
import Testing

/// A local webhook endpoint standing in for Slack/Teams/Discord: records every body it gets
/// and answers what the test scripts (per job key, per attempt).
final class WebhookSink: Sendable {
    /// Delivered job keys (`job-00042`, found in the body) with how often each was accepted.
    let accepted = Mutex<[String: Int]>([:])
    let attempts = Mutex<[String: [Date]]>([:])
    let bodies = Mutex<[String]>([])
    /// Requests received, counted before any delay.
    let arrivals = Mutex(0)
    let respond: @Sendable (_ key: String, _ attempt: Int) -> (HTTPResponse.Status, HTTPFields)
    let delay: Duration
    /// The first request alone waits this long: a platform that hangs once.
    let firstDelay: Duration

    init(
        delay: Duration = .zero, firstDelay: Duration = .zero,
        respond: @escaping @Sendable (String, Int) -> (HTTPResponse.Status, HTTPFields) = { _, _ in (.ok, [:]) }
    ) {
        self.respond = respond
        self.delay = delay
        self.firstDelay = firstDelay
    }

    static func key(in body: String) -> String? {
        guard let range = body.range(of: #"job-[0-9]{5}"#, options: .regularExpression) else { return nil }
        return String(body[range])
    }

    var acceptedCount: Int { accepted.withLock { $0.count } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            let arrival = self.arrivals.withLock { count in
                count += 1
                return count
            }
            if arrival == 1 && self.firstDelay > .zero { try await Task.sleep(for: self.firstDelay) }
            if self.delay > .zero { try await Task.sleep(for: self.delay) }
            let key = Self.key(in: body) ?? "unknown"
            let attempt = self.attempts.withLock { attempts -> Int in
                attempts[key, default: []].append(Date())
                return attempts[key]!.count
            }
            self.bodies.withLock { $0.append(body) }
            let (status, headers) = self.respond(key, attempt)
            if (200..<300).contains(status.code) { self.accepted.withLock { $0[key, default: 0] += 1 } }
            return Response(status: status, headers: headers)
        }
        return router
    }
}

/// Notifier processes (the real binary) over a Redis and a database of the test's own.
struct NotifierHarness: Sendable {
    let database: TestDatabase
    let redis: RedisServerProcess
    let sinkPort: Int
    let clientID: UUID
    let channelID: UUID

    static func run(
        sink: WebhookSink, channelType: String = "webhook_slack", appendOnlyRedis: Bool = false,
        _ body: @Sendable (NotifierHarness) async throws -> Void
    ) async throws {
        let redis = try RedisServerProcess(appendOnly: appendOnlyRedis)
        try await redis.start()
        let database = try await TestDatabase.create()
        let app = Application(router: sink.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        do {
            try await app.test(.live) { client in
                let port = client.port!
                let (clientID, channelID) = try await database.withClient { db in
                    let clientID = try await db.query("INSERT INTO clients (name, language) VALUES ('Acme', 'fr') RETURNING id", logger: testLogger)
                        .decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
                    let config = #"{"webhook_url": "http://127.0.0.1:\#(port)/hook"}"#
                    let channelID = try await db.query(
                        "INSERT INTO notification_channels (client_id, type, name, config) VALUES (\(clientID), \(channelType), 'Ops', \(config)::jsonb) RETURNING id",
                        logger: testLogger
                    ).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
                    return (clientID, channelID)
                }
                try await body(NotifierHarness(database: database, redis: redis, sinkPort: port, clientID: clientID, channelID: channelID))
            }
        } catch {
            await redis.stop()
            try? await database.drop()
            throw error
        }
        await redis.stop()
        try await database.drop()
    }

    /// Starts one notifier process.
    func launch(name: String, concurrency: Int = 8, environment extra: [String: String] = [:]) throws -> ServiceProcess {
        let port = try freePort()
        var environment = [
            "DATABASE_URL": database.url.urlString, "REDIS_URL": redis.url, "NOTIFIER_PORT": String(port), "NOTIFIER_ID": name,
            "NOTIFIER_CONCURRENCY": String(concurrency), "NOTIFIER_RETRY_BASE_MS": "100", "LOG_LEVEL": "warning",
        ]
        environment.merge(extra) { _, new in new }
        return try ServiceProcess.launch("optralis-notifier", environment: environment, port: port)
    }

    func redisClient() throws -> RedisClient {
        RedisClient(url: try RedisURL(parsing: redis.url), maximumConnections: 2, logger: testLogger)
    }

    /// Queues `count` alert deliveries to the harness's channel, keyed job-00000…
    func enqueue(_ count: Int, startingAt first: Int = 0) async throws {
        let client = try redisClient()
        let queues = NotificationQueues(redis: client)
        for index in first..<(first + count) {
            let key = String(format: "job-%05d", index)
            try await queues.enqueue(
                ChannelDelivery(
                    channelID: channelID, clientID: clientID,
                    notification: AlertNotification(alertType: .highCPU, clientName: "Acme", language: "fr", machineName: key, value: 93.5, threshold: 85)))
        }
        await client.shutdown()
    }

    /// `notification_history` in order, once it holds at least `count` rows (or after `timeout`):
    /// the notifier writes a row after the delivery the test observed.
    func history(atLeast count: Int, timeout: Duration = .seconds(30)) async throws -> [(status: String, attempts: Int)] {
        _ = await eventually(timeout: timeout) { ((try? await rows()) ?? []).count >= count }
        return try await rows()
    }

    private func rows() async throws -> [(status: String, attempts: Int)] {
        try await database.withClient { db in
            var rows: [(String, Int)] = []
            for try await row in try await db.query("SELECT status, attempts FROM notification_history ORDER BY sent_at", logger: testLogger)
                .decode((String, Int).self)
            { rows.append(row) }
            return rows
        }
    }
}
