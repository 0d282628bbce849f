import Foundation
import OptralisRedis
import OptralisTestSupport
import Testing

@Suite("Reliable queue over Redis lists")
struct ReliableQueueTests {
    func withQueue(_ body: (ReliableQueue, RedisClient) async throws -> Void) async throws {
        let redis = RedisClient(url: try TestEnvironment.redisURL, maximumConnections: 4, logger: testLogger)
        let queue = ReliableQueue(name: "test:\(UUID().uuidString):queue", redis: redis)
        do {
            try await body(queue, redis)
        } catch {
            await redis.shutdown()
            throw error
        }
        await redis.shutdown()
    }

    @Test func a_taken_job_stays_in_the_processing_list_until_acknowledged() async throws {
        try await withQueue { queue, redis in
            try await queue.enqueue(#"{"id":"a","retries":0}"#)
            try await queue.enqueue(#"{"id":"b","retries":0}"#)
            let first = try await queue.take(consumer: "c1", timeoutSeconds: 1)
            #expect(first == #"{"id":"a","retries":0}"#, "first in, first out")
            #expect(try await redis.listRange(queue.processingKey("c1")) == [first!])
            try await queue.acknowledge(first!, jobID: "a", consumer: "c1")
            #expect(try await redis.listLength(queue.processingKey("c1")) == 0)
            #expect(try await queue.wasDelivered(jobID: "a"))
            #expect(try await queue.wasDelivered(jobID: "b") == false)
            #expect(try await queue.counts() == .init(pending: 1, delayed: 0, dead: 0))
        }
    }

    @Test func a_retry_waits_in_the_delayed_set_until_due_then_returns_first_in_line() async throws {
        try await withQueue { queue, redis in
            try await queue.enqueue(#"{"id":"x","retries":0}"#)
            try await queue.enqueue(#"{"id":"later","retries":0}"#)
            let job = try #require(try await queue.take(consumer: "c1", timeoutSeconds: 1))
            let due = Date().addingTimeInterval(30) // far enough that a loaded machine cannot reach it between two lines
            try await queue.retry(job, as: #"{"id":"x","retries":1}"#, dueAt: due, consumer: "c1")
            #expect(try await redis.listLength(queue.processingKey("c1")) == 0)
            #expect(try await queue.promoteDueRetries(now: Date()) == 0, "not due yet")
            #expect(try await queue.promoteDueRetries(now: due.addingTimeInterval(0.01)) == 1)
            #expect(try await queue.take(consumer: "c1", timeoutSeconds: 1) == #"{"id":"x","retries":1}"#, "a due retry goes before newer jobs")
        }
    }

    @Test func a_buried_job_lands_in_the_dead_letter_list() async throws {
        try await withQueue { queue, redis in
            try await queue.enqueue(#"{"id":"d","retries":3}"#)
            let job = try #require(try await queue.take(consumer: "c1", timeoutSeconds: 1))
            try await queue.bury(job, as: #"{"id":"d","last_error":"boom","retries":4}"#, consumer: "c1")
            #expect(try await redis.listRange(queue.deadKey) == [#"{"id":"d","last_error":"boom","retries":4}"#])
            #expect(try await queue.counts().dead == 1)
            #expect(try await redis.listLength(queue.processingKey("c1")) == 0)
        }
    }

    @Test func the_jobs_of_a_consumer_whose_heartbeat_expired_come_back_and_a_live_ones_do_not() async throws {
        try await withQueue { queue, redis in
            for index in 0..<3 { try await queue.enqueue(#"{"id":"\#(index)","retries":0}"#) }
            try await queue.beat(consumer: "alive", ttlSeconds: 30)
            try await queue.beat(consumer: "dying", ttlSeconds: 1)
            _ = try await queue.take(consumer: "dying", timeoutSeconds: 1)
            _ = try await queue.take(consumer: "dying", timeoutSeconds: 1)
            _ = try await queue.take(consumer: "alive", timeoutSeconds: 1)
            #expect(try await queue.recoverAbandoned(except: "someone") == 0, "both heartbeats still live")
            try await Task.sleep(for: .milliseconds(1300))
            #expect(try await queue.recoverAbandoned(except: "someone") == 2)
            #expect(try await redis.listLength(queue.processingKey("dying")) == 0)
            #expect(try await redis.listLength(queue.processingKey("alive")) == 1)
            #expect(try await queue.counts().pending == 2)
            let next = try await queue.take(consumer: "alive", timeoutSeconds: 1)
            #expect(next == #"{"id":"0","retries":0}"#, "recovered jobs are next in line")
        }
    }
}
