/// Opened once, when the api's start steps are done (migrations, the first super_admin): the
/// agents' port waits for it before it listens (`AgentGateway`), as the public port does through
/// its own `beforeServerStarts`. Without it the agents' port opened at once, and during an
/// upgrade's migration the agents' posts met the old schema.
///
/// One waiter: an `AsyncStream` is read by a single task.
struct StartSignal: Sendable {
    private let stream: AsyncStream<Never>
    private let continuation: AsyncStream<Never>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream()
    }

    func open() {
        continuation.finish()
    }

    /// Returns once opened (at once if it already is); throws `CancellationError` if the task is
    /// cancelled first.
    func wait() async throws {
        for await _ in stream {}
        try Task.checkCancellation()
    }
}
