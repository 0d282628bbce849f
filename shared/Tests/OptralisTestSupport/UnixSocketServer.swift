import Foundation
import Hummingbird
import Logging

/// Serves `router` on a unix domain socket in a fresh temporary directory for the time of
/// `body`, which gets the socket's path: a local stand-in for a daemon reached through its
/// socket (the Docker Engine's `/var/run/docker.sock`). The server stops and the directory goes
/// when `body` returns or throws.
public func withUnixSocketServer(_ router: Router<BasicRequestContext>, _ body: @Sendable (String) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("optralis-sock-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    // sun_path holds 108 bytes: a short directory name keeps the path well below.
    let path = directory.appendingPathComponent("engine.sock").path
    let (running, signal) = AsyncStream<Void>.makeStream()
    var logger = Logger(label: "unix-socket-server")
    logger.logLevel = .critical // cancelling at the end logs a harmless "Already closed"
    let app = Application(
        router: router, configuration: .init(address: .unixDomainSocket(path: path)),
        onServerRunning: { _ in signal.yield(()) }, logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService() }
        var ready = running.makeAsyncIterator()
        _ = await ready.next()
        defer { group.cancelAll() }
        try await body(path)
    }
}
