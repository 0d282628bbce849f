import ArgumentParser
import Foundation
import Hummingbird
import Logging
import OptralisCore
import OptralisRedis
import Synchronization

/// `optralis-bench notifier`: webhook jobs per second delivered by 1, 2 and 4 notifier replicas
/// to a local sink (this process), and email jobs per second by one replica to an SMTP sink.
/// scripts/bench.sh provides the database (migrated, with a client and two channels) and Redis.
struct NotifierBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "notifier", abstract: "Notifier throughput.")

    @Option(help: "Webhook jobs per run.") var jobs = 10_000
    @Option(help: "Replica counts to measure, comma-separated.") var replicas = "1,2,4"
    @Option(help: "Jobs handled at once per replica.") var concurrency = 16
    @Option(help: "Email jobs for the SMTP run (0 skips it).") var emailJobs = 500
    @Option(help: "Port of the local webhook sink.") var sinkPort = 3195

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        func required(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else { throw ValidationError("\(name) is required") }
            return value
        }
        let notifierBinary = try required("NOTIFIER_BIN")
        let redisURL = try RedisURL(parsing: try required("REDIS_URL"))
        let clientID = UUID(uuidString: try required("BENCH_CLIENT_ID"))!
        let webhookChannel = UUID(uuidString: try required("BENCH_WEBHOOK_CHANNEL_ID"))!
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let redis = RedisClient(url: redisURL, maximumConnections: 4, logger: logger)

        let received = Atomic<Int>(0)
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            _ = try await request.body.collect(upTo: 1 << 20)
            received.add(1, ordering: .relaxed)
            return .noContent
        }
        let sink = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: sinkPort)), logger: logger)
        let sinkTask = Task { try await sink.runService() }
        try await Task.sleep(for: .milliseconds(500))

        var results: [(Int, Double)] = []
        for count in replicas.split(separator: ",").compactMap({ Int($0) }) {
            try await redis.command("FLUSHDB")
            received.store(0, ordering: .relaxed)
            let processes = try (0..<count).map { index in
                try launch(notifierBinary, name: "bench-\(count)-\(index)", environment: environment)
            }
            try await Task.sleep(for: .seconds(2))
            let start = ContinuousClock.now
            try await enqueueWebhookJobs(redis: redis, clientID: clientID, channelID: webhookChannel)
            while received.load(ordering: .relaxed) < jobs {
                try await Task.sleep(for: .milliseconds(10))
                if ContinuousClock.now - start > .seconds(300) { throw ValidationError("timed out at \(received.load(ordering: .relaxed)) jobs") }
            }
            let seconds = (ContinuousClock.now - start).asSeconds
            results.append((count, Double(jobs) / seconds))
            print(String(format: "  webhook, %d replica(s): %7.0f jobs/s (%d jobs in %.2f s)", count, Double(jobs) / seconds, jobs, seconds))
            stop(processes)
        }
        if let one = results.first(where: { $0.0 == 1 })?.1, let two = results.first(where: { $0.0 == 2 })?.1 {
            print(String(format: "  2 replicas ÷ 1 replica: %.2f× (target ≥ 1.6×)", two / one))
        }

        if emailJobs > 0, let smtpPort = environment["BENCH_SMTP_PORT"], let maildir = environment["BENCH_SMTP_DIR"] {
            try await redis.command("FLUSHDB")
            var smtpEnvironment = environment
            smtpEnvironment["SMTP_HOST"] = "127.0.0.1"
            smtpEnvironment["SMTP_PORT"] = smtpPort
            smtpEnvironment["SMTP_SECURITY"] = "none"
            let process = try launch(notifierBinary, name: "bench-smtp", environment: smtpEnvironment)
            try await Task.sleep(for: .seconds(2))
            let start = ContinuousClock.now
            let queues = NotificationQueues(redis: redis)
            for index in 0..<emailJobs {
                try await queues.enqueue(
                    EmailJob(
                        type: "welcome", email: "user\(index)@bench.test", language: "fr",
                        data: ["first_name": "Bench", "login_url": "https://monitoring.test"]))
            }
            var delivered = 0
            while delivered < emailJobs {
                try await Task.sleep(for: .milliseconds(50))
                delivered = (try? FileManager.default.contentsOfDirectory(atPath: maildir).filter { $0.hasSuffix(".json") }.count) ?? 0
                if ContinuousClock.now - start > .seconds(300) { throw ValidationError("SMTP run timed out at \(delivered) jobs") }
            }
            let seconds = (ContinuousClock.now - start).asSeconds
            print(String(format: "  email (SMTP sink), 1 replica: %5.0f jobs/s (%d jobs in %.2f s)", Double(emailJobs) / seconds, emailJobs, seconds))
            stop([process])
        }
        await redis.shutdown()
        sinkTask.cancel()
    }

    /// LPUSH in batches of 1,000 (one round trip each).
    private func enqueueWebhookJobs(redis: RedisClient, clientID: UUID, channelID: UUID) async throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        var batch: [String] = []
        for index in 0..<jobs {
            let delivery = ChannelDelivery(
                channelID: channelID, clientID: clientID,
                notification: AlertNotification(
                    alertType: .highCPU, clientName: "Bench", language: "fr", machineName: "SRV-\(index)", value: 93.5, threshold: 85))
            batch.append(String(decoding: try encoder.encode(delivery), as: UTF8.self))
            if batch.count == 1000 || index == jobs - 1 {
                try await redis.command(["LPUSH", NotificationQueues.delivery] + batch)
                batch.removeAll()
            }
        }
    }

    private func launch(_ binary: String, name: String, environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        var variables = environment
        variables["NOTIFIER_ID"] = name
        variables["NOTIFIER_PORT"] = "0"
        variables["NOTIFIER_CONCURRENCY"] = String(concurrency)
        variables["LOG_LEVEL"] = "warning"
        process.environment = variables
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func stop(_ processes: [Process]) {
        processes.forEach { $0.terminate() }
        processes.forEach { $0.waitUntilExit() }
    }
}

extension Duration {
    var asSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
