import Foundation
import Synchronization

/// A redis-server of a test's own, on a free port, that the test can stop and start again
/// on the same port (the restart tests).
public final class RedisServerProcess: Sendable {
    public let port: Int
    private let directory: URL
    private let current = LockedBox<ChildProcess?>(nil)

    private let appendOnly: Bool

    /// `appendOnly` keeps the data across a restart (AOF), as production Redis does.
    public init(appendOnly: Bool = false) throws {
        self.appendOnly = appendOnly
        port = try freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("optralis-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    public var url: String { "redis://127.0.0.1:\(port)/0" }

    public func start() async throws {
        guard let binary = which("redis-server") else { throw TestEnvironmentError(message: "redis-server is not installed (make test installs it)") }
        let child = try ChildProcess(
            executable: binary,
            arguments: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", appendOnly ? "yes" : "no", "--dir", directory.path])
        current.set(child)
        let ready = await eventually(timeout: .seconds(10)) { Self.accepts(port: self.port) }
        guard ready else { throw TestEnvironmentError(message: "redis-server did not start: \(child.output)") }
    }

    /// Stops the server: SIGKILL by default, SIGTERM (which flushes the AOF) when `graceful`.
    public func stop(graceful: Bool = false) async {
        guard let child = current.get() else { return }
        child.signal(graceful ? SIGTERM : SIGKILL)
        _ = await child.waitForExit(timeout: .seconds(5))
        current.set(nil)
    }

    /// SIGSTOP: the server hangs with its connections and port open (its kernel still accepts
    /// new connections), as a frozen host does. ``resume()`` sends SIGCONT.
    public func pause() {
        current.get()?.signal(SIGSTOP)
    }

    public func resume() {
        current.get()?.signal(SIGCONT)
    }

    static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// A value behind a lock, for test helpers shared across tasks.
public final class LockedBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    public init(_ value: Value) { mutex = Mutex(value) }
    public func get() -> Value { mutex.withLock { $0 } }
    public func set(_ value: Value) { mutex.withLock { $0 = value } }
}
