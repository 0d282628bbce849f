import Foundation
import HTTPTypes
import OptralisCore
import OptralisCurl
import OptralisRedis
import OptralisTestSupport
import Testing

@Suite("Notifier: reliable delivery to webhooks")
struct NotifierDeliveryTests {
    func waitFor(_ sink: WebhookSink, count: Int, timeout: Duration = .seconds(120)) async -> Bool {
        await eventually(timeout: timeout) { sink.acceptedCount >= count }
    }

    func stop(_ processes: [ServiceProcess]) async {
        for process in processes { process.child.signal(SIGTERM) }
        for process in processes { _ = await process.child.waitForExit(timeout: .seconds(10)) }
    }

    @Test func three_replicas_deliver_3000_jobs_each_exactly_once() async throws {
        let sink = WebhookSink()
        try await NotifierHarness.run(sink: sink) { notifier in
            let replicas = try (1...3).map { try notifier.launch(name: "replica-\($0)") }
            try await notifier.enqueue(3000)
            let done = await waitFor(sink, count: 3000)
            #expect(done, "delivered \(sink.acceptedCount) of 3000")
            try await Task.sleep(for: .milliseconds(500))
            let duplicates = sink.accepted.withLock { $0.filter { $0.value > 1 } }
            #expect(duplicates.isEmpty, "delivered twice: \(duplicates.keys.sorted().prefix(10))")
            #expect(sink.acceptedCount == 3000)
            let statuses = try await notifier.history(atLeast: 3000).map(\.status)
            #expect(statuses.count == 3000 && statuses.allSatisfy { $0 == "sent" }, "every attempt is in notification_history")
            await stop(replicas)
            for replica in replicas { #expect(replica.child.process.terminationStatus == 0, "\(replica.child.output.suffix(500))") }
        }
    }

    @Test func a_500_then_200_is_retried_and_delivered_once() async throws {
        let sink = WebhookSink { _, attempt in attempt == 1 ? (.internalServerError, [:]) : (.ok, [:]) }
        try await NotifierHarness.run(sink: sink) { notifier in
            let process = try notifier.launch(name: "solo")
            try await notifier.enqueue(1)
            #expect(await waitFor(sink, count: 1, timeout: .seconds(30)))
            try await Task.sleep(for: .milliseconds(500))
            #expect(sink.attempts.withLock { $0["job-00000"]?.count } == 2)
            #expect(sink.accepted.withLock { $0["job-00000"] } == 1)
            let history = try await notifier.history(atLeast: 2)
            #expect(history.map(\.status) == ["failed", "sent"])
            #expect(history.map(\.attempts) == [1, 2])
            await stop([process])
        }
    }

    @Test func a_429_is_retried_after_the_platforms_retry_after() async throws {
        let sink = WebhookSink { _, attempt in attempt == 1 ? (.tooManyRequests, [.retryAfter: "2"]) : (.ok, [:]) }
        try await NotifierHarness.run(sink: sink, channelType: "webhook_discord") { notifier in
            let process = try notifier.launch(name: "solo")
            try await notifier.enqueue(1)
            #expect(await waitFor(sink, count: 1, timeout: .seconds(30)))
            let times = sink.attempts.withLock { $0["job-00000"] ?? [] }
            #expect(times.count == 2)
            if times.count == 2 {
                #expect(times[1].timeIntervalSince(times[0]) >= 1.9, "waited \(times[1].timeIntervalSince(times[0])) s, not Retry-After")
            }
            await stop([process])
        }
    }

    @Test func a_job_that_keeps_failing_is_dead_lettered_after_three_retries_and_counted() async throws {
        let sink = WebhookSink { _, _ in (.badGateway, [:]) }
        try await NotifierHarness.run(sink: sink) { notifier in
            let process = try notifier.launch(name: "solo")
            try await notifier.enqueue(1)
            let redis = try notifier.redisClient()
            let dead = await eventually(timeout: .seconds(30)) { (try? await redis.listLength("notification:queue:dead")) == 1 }
            #expect(dead)
            #expect(sink.attempts.withLock { $0["job-00000"]?.count } == 4, "one try and three retries")
            let history = try await notifier.history(atLeast: 5)
            #expect(history.map(\.status) == ["failed", "failed", "failed", "failed", "dead_letter"])
            let http = CurlClient(concurrency: 1)
            let healthy = await eventually(timeout: .seconds(10)) {
                guard let response = try? await http.send(OutboundRequest(url: "http://127.0.0.1:\(process.port)/health")) else { return false }
                return response.bodyText.contains(#""dead_letter":1"#)
            }
            #expect(healthy, "/health shows the dead-letter count")
            let metrics = try await http.send(OutboundRequest(url: "http://127.0.0.1:\(process.port)/metrics")).bodyText
            #expect(
                metrics.contains(#"notifier_jobs_total{queue="notification:queue",outcome="dead_letter"} 1"#)
                    || metrics.contains(#"outcome="dead_letter",queue="notification:queue""#), "\(metrics.prefix(1500))")
            await http.shutdown()
            await redis.shutdown()
            await stop([process])
        }
    }

    /// Issue 17, item 7: the dead-letter list is kept for people to read; a welcome email's
    /// temporary password or a reset link stayed there in clear.
    @Test func a_dead_lettered_email_keeps_no_password_or_reset_link() async throws {
        try await NotifierHarness.run(sink: WebhookSink()) { notifier in
            // No SMTP_HOST: every email job fails, then is dead-lettered.
            let process = try notifier.launch(name: "solo")
            let redis = try notifier.redisClient()
            let queues = NotificationQueues(redis: redis)
            try await queues.enqueue(
                EmailJob(
                    type: "welcome", email: "new@acme.test", language: "fr",
                    data: ["first_name": "Ada", "login_url": "https://monitoring.test", "temporary_password": "Tmp-Secret-Pass-42!", "client_name": "Acme"]))
            try await queues.enqueue(
                EmailJob(
                    type: "password_reset", email: "ada@acme.test", language: "en",
                    data: ["first_name": "Ada", "reset_url": "https://monitoring.test/reset-password?token=SECRET-RESET-TOKEN", "expires_in_minutes": "60"]))
            let dead = await eventually(timeout: .seconds(30)) { (try? await redis.listLength("email:queue:dead")) == 2 }
            #expect(dead)
            let buried = try await redis.command("LRANGE", "email:queue:dead", "0", "-1").array?.compactMap(\.string) ?? []
            #expect(buried.count == 2)
            for job in buried {
                #expect(!job.contains("Tmp-Secret-Pass-42!") && !job.contains("SECRET-RESET-TOKEN"), "\(job)")
                #expect(job.contains(EmailJob.redacted) && job.contains("last_error") && job.contains("first_name"), "the rest is kept: \(job)")
            }
            await redis.shutdown()
            await stop([process])
        }
    }

    @Test func a_replica_killed_mid_batch_loses_nothing() async throws {
        let sink = WebhookSink(delay: .milliseconds(15))
        try await NotifierHarness.run(sink: sink) { notifier in
            let victim = try notifier.launch(name: "victim", concurrency: 4)
            let survivor = try notifier.launch(name: "survivor", concurrency: 4)
            try await notifier.enqueue(600)
            _ = await eventually(timeout: .seconds(60)) { sink.acceptedCount >= 100 }
            victim.child.signal(SIGKILL)
            #expect(await waitFor(sink, count: 600, timeout: .seconds(90)), "delivered \(sink.acceptedCount) of 600")
            try await Task.sleep(for: .seconds(1))
            let duplicates = sink.accepted.withLock { $0.values.filter { $0 > 1 }.count }
            // A job whose delivery completed but whose acknowledgement the kill cut off is sent
            // again: at most the jobs the victim had in flight (its concurrency).
            #expect(duplicates <= 4, "\(duplicates) jobs delivered twice")
            await stop([survivor])
        }
    }

    /// A webhook that hangs used to hold SIGTERM for its 15 s timeout (the fuzz suite's stop
    /// check, and `docker stop`, kill after 10 s). Now the delivery is cancelled after the grace
    /// and its job given back untouched.
    @Test func sigterm_during_a_hung_delivery_exits_after_the_grace_and_the_job_is_sent_on_the_next_start() async throws {
        let sink = WebhookSink(firstDelay: .seconds(20))
        try await NotifierHarness.run(sink: sink) { notifier in
            let first = try notifier.launch(name: "solo", environment: ["NOTIFIER_SHUTDOWN_GRACE_SECONDS": "2"])
            try await notifier.enqueue(1)
            #expect(await eventually(timeout: .seconds(30)) { sink.arrivals.withLock { $0 } == 1 })
            let signalled = ContinuousClock.now
            first.child.signal(SIGTERM)
            let status = await first.child.waitForExit(timeout: .seconds(20))
            let took = ContinuousClock.now - signalled
            #expect(status == 0, "\(first.child.output.suffix(800))")
            #expect(took >= .seconds(2) && took < .seconds(6), "stopped \(took) after SIGTERM, with a 2 s grace")

            let redis = try notifier.redisClient()
            #expect(try await redis.listLength("notification:queue") == 1, "the job is back in the queue")
            #expect(try await redis.listLength("notification:queue:processing:solo") == 0)
            #expect(try await redis.command("ZCARD", "notification:queue:delayed").integer == 0, "not scheduled as a retry")
            #expect(try await notifier.history(atLeast: 0, timeout: .zero).isEmpty, "an interrupted delivery is not an attempt")

            let second = try notifier.launch(name: "solo")
            #expect(await waitFor(sink, count: 1, timeout: .seconds(30)))
            let history = try await notifier.history(atLeast: 1)
            #expect(history.map(\.status) == ["sent"] && history.map(\.attempts) == [1], "\(history)")
            await redis.shutdown()
            await stop([second])
        }
    }

    /// A replica killed mid-delivery and started again under the same `NOTIFIER_ID` (a fixed
    /// name in compose or a StatefulSet): other replicas skip a live name's list, so without the
    /// start-up release its jobs stayed held for good when it ran alone.
    @Test func a_replica_restarted_under_its_name_after_kill_9_sends_what_it_held() async throws {
        let sink = WebhookSink(firstDelay: .seconds(20))
        try await NotifierHarness.run(sink: sink) { notifier in
            let first = try notifier.launch(name: "fixed")
            try await notifier.enqueue(1)
            #expect(await eventually(timeout: .seconds(30)) { sink.arrivals.withLock { $0 } == 1 })
            first.child.signal(SIGKILL)
            _ = await first.child.waitForExit(timeout: .seconds(10))
            let redis = try notifier.redisClient()
            #expect(try await redis.listLength("notification:queue:processing:fixed") == 1, "the kill left the job held")
            let started = ContinuousClock.now
            let second = try notifier.launch(name: "fixed")
            #expect(await waitFor(sink, count: 1, timeout: .seconds(30)))
            #expect(ContinuousClock.now - started < .seconds(10), "given back at start, not after a heartbeat expiry")
            // The sink counts the delivery before the notifier has its answer and acknowledges.
            var held = -1
            for _ in 0..<50 where held != 0 {
                held = try await redis.listLength("notification:queue:processing:fixed")
                if held != 0 { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(held == 0, "the delivered job leaves the processing list")
            await redis.shutdown()
            await stop([second])
        }
    }

    @Test func consumers_reconnect_after_redis_restarts_and_finish() async throws {
        let sink = WebhookSink(delay: .milliseconds(5))
        try await NotifierHarness.run(sink: sink, appendOnlyRedis: true) { notifier in
            let process = try notifier.launch(name: "solo", concurrency: 2)
            try await notifier.enqueue(300)
            _ = await eventually(timeout: .seconds(60)) { sink.acceptedCount >= 50 }
            await notifier.redis.stop(graceful: true)
            try await Task.sleep(for: .seconds(1))
            try await notifier.redis.start()
            #expect(await waitFor(sink, count: 300, timeout: .seconds(90)), "delivered \(sink.acceptedCount) of 300 after the restart")
            #expect(process.child.isRunning, "the notifier survived the outage")
            await stop([process])
        }
    }
}
