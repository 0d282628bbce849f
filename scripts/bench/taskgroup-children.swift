// What a short-lived connection costs a server that keeps one child task per connection in a
// discarding task group, as Hummingbird's `Server` does, against how many long-lived
// connections (agents) are open: the Swift runtime keeps a group's children in a list, oldest
// first, and a child that ends is unlinked by walking it (docs/ingestion.md, "Seventh pass").
//
//   swiftc -O -swift-version 6 scripts/bench/taskgroup-children.swift -o /tmp/taskgroup-children
//   /tmp/taskgroup-children
actor Countdown {
    private var left: Int
    private let done: CheckedContinuation<Void, Never>

    init(_ count: Int, done: CheckedContinuation<Void, Never>) {
        left = count
        self.done = done
    }

    func tick() {
        left -= 1
        if left == 0 { done.resume() }
    }
}

let shortLived = 5_000
for longLived in [0, 1_000, 5_000, 10_000, 20_000] {
    let elapsed = await withDiscardingTaskGroup { group -> Duration in
        let open = AsyncStream<Void>.makeStream()
        for _ in 0..<longLived { group.addTask { for await _ in open.stream {} } }
        try? await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        await withCheckedContinuation { done in
            let countdown = Countdown(shortLived, done: done)
            for _ in 0..<shortLived { group.addTask { await countdown.tick() } }
        }
        let elapsed = ContinuousClock.now - start
        open.continuation.finish()
        return elapsed
    }
    let microseconds = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
    print("\(longLived) long-lived children: \(shortLived) short ones, \(Int(microseconds) / shortLived) µs each")
}
