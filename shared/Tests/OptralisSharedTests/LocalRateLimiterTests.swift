import OptralisRedis
import Testing

@Suite("In-process rate limiter (the auth limits while Redis is down)")
struct LocalRateLimiterTests {
    let start = ContinuousClock.now

    @Test func counts_a_fixed_window_and_gives_requests_back() async {
        let limiter = LocalRateLimiter(capacity: 10)
        for _ in 1...3 { #expect(await limiter.check(key: "a", limit: 3, window: .seconds(60), now: start) == .allowed) }
        #expect(await limiter.check(key: "a", limit: 3, window: .seconds(60), now: start + .seconds(20)) == .limited(retryAfterSeconds: 40))
        #expect(await limiter.check(key: "b", limit: 3, window: .seconds(60), now: start + .seconds(20)) == .allowed, "keys count apart")
        await limiter.release(key: "a", now: start + .seconds(21))
        await limiter.release(key: "a", now: start + .seconds(21))
        #expect(await limiter.check(key: "a", limit: 3, window: .seconds(60), now: start + .seconds(22)) == .allowed, "a given-back request")
        #expect(await limiter.check(key: "a", limit: 3, window: .seconds(60), now: start + .seconds(60)) == .allowed, "a new window")
    }

    @Test func memory_stays_bounded_expired_windows_go_first() async {
        let limiter = LocalRateLimiter(capacity: 3)
        _ = await limiter.check(key: "short", limit: 1, window: .seconds(1), now: start)
        _ = await limiter.check(key: "long-1", limit: 1, window: .seconds(600), now: start)
        _ = await limiter.check(key: "long-2", limit: 1, window: .seconds(600), now: start)
        #expect(await limiter.check(key: "long-2", limit: 1, window: .seconds(600), now: start + .seconds(2)) == .limited(retryAfterSeconds: 598))
        _ = await limiter.check(key: "new", limit: 1, window: .seconds(600), now: start + .seconds(2))
        #expect(await limiter.keyCount == 3)
        #expect(
            await limiter.check(key: "long-1", limit: 1, window: .seconds(600), now: start + .seconds(3)) != .allowed,
            "the expired window was dropped, not a live one")

        for index in 0..<100 { _ = await limiter.check(key: "flood-\(index)", limit: 1, window: .seconds(600), now: start + .seconds(4)) }
        #expect(await limiter.keyCount == 3, "full of live windows: the one closest to its end goes")
    }
}
