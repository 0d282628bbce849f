import Foundation
import Synchronization

/// A TCP port on 127.0.0.1 that takes connections (the kernel completes the handshake and
/// queues them) and never answers: a hung upstream. ``close()`` resets the queued connections.
public final class SilentListener: Sendable {
    public let port: Int
    private let open: Mutex<Int32?>

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestEnvironmentError(message: "socket() failed") }
        guard let port = bindToFreeLoopbackPort(descriptor, listening: true) else {
            Glibc.close(descriptor)
            throw TestEnvironmentError(message: "bind() or listen() failed")
        }
        self.port = port
        open = Mutex(descriptor)
    }

    /// Idempotent: the descriptor is closed once, so a number the process reuses is never closed.
    public func close() {
        open.withLock { descriptor in
            if let descriptor { Glibc.close(descriptor) }
            descriptor = nil
        }
    }
}
