#if canImport(Glibc)
import Glibc
#endif

/// A detached POSIX thread for blocking work that must not hold a thread of the cooperative
/// pool (libcurl transfers, a blocking accept loop). Foundation's `Thread` would do, but it is
/// not in FoundationEssentials, the only Foundation the agent links.
public enum DetachedThread {
    public struct StartFailed: Error, CustomStringConvertible {
        public let code: Int32
        public var description: String { "cannot start a thread: \(String(cString: strerror(code)))" }
    }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Runs `body` on a new thread, which ends when `body` returns.
    public static func start(_ body: @escaping @Sendable () -> Void) throws(StartFailed) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        guard created == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            throw StartFailed(code: created)
        }
        pthread_detach(thread)
    }
}
