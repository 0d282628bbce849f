#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// SIGTERM and SIGINT as an event the agent awaits to shut down gracefully. The signals'
/// default action (exit at once) is turned off and they arrive through Dispatch sources, so
/// the agent finishes what it is writing and exits 0.
public final class ShutdownSignal: Sendable {
    private struct State {
        var received: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
        var sources: [any DispatchSourceSignal] = []
    }

    private let state = Mutex(State())

    /// Installs the handlers; create it before anything else starts.
    public init(signals: [Int32] = [SIGTERM, SIGINT]) {
        state.withLock { state in
            state.sources = signals.map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [weak self] in self?.trigger(number) }
                source.resume()
                return source
            }
        }
    }

    /// Starts the shutdown as if `signal` had arrived (the first one counts).
    public func trigger(_ signal: Int32) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int32, Never>] in
            guard state.received == nil else { return [] }
            state.received = signal
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume(returning: signal) }
    }

    /// Returns the signal once one has arrived.
    public func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let received = state.withLock { state -> Int32? in
                if state.received == nil { state.waiters.append(continuation) }
                return state.received
            }
            if let received { continuation.resume(returning: received) }
        }
    }
}
