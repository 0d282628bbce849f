import Foundation
import OptralisPostgres

/// A PostgreSQL cluster of a test's own (scripts/pg.sh on a free port), for tests that stop
/// the server under a running service, which the shared test cluster cannot be.
public final class PostgresServerProcess: Sendable {
    public let port: Int
    private let directory: String
    private let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/pg.sh").path

    public init() throws {
        port = try freePort()
        directory = "/tmp/optralis-pg-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Starts the server (creating the cluster the first time) and returns its superuser URL.
    @discardableResult
    public func start() async throws -> DatabaseURL {
        // Foundation's Process sees its child exit when every holder of a socket it hands the
        // child has closed it: without closing it first, the postmaster would keep it open and
        // the start would seem never to end.
        let closeInherited = #"for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done 2>/dev/null; exec /bin/bash "$0" "$@""#
        let started = try await ChildProcess.run(
            "/bin/bash", ["-c", closeInherited, script, "start", directory, String(port)], timeout: .seconds(120))
        guard started.status == 0, let line = started.output.split(separator: "\n").last(where: { $0.hasPrefix("postgres://") }) else {
            throw TestEnvironmentError(message: "scripts/pg.sh start failed: \(started.output)")
        }
        return try DatabaseURL(parsing: String(line))
    }

    /// A fast shutdown (`pg_ctl stop -m fast`): sessions are ended, new connections refused.
    public func stop() async throws {
        let stopped = try await ChildProcess.run("/bin/bash", [script, "stop", directory, String(port)], timeout: .seconds(70))
        guard stopped.status == 0 else { throw TestEnvironmentError(message: "scripts/pg.sh stop failed: \(stopped.output)") }
    }

    /// The cluster's `optralis` database, migrated by the real `optralis-api migrate`.
    public func migratedDatabase() async throws -> TestDatabase {
        let url = try await start()
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = url.urlString
        environment["OPTRALIS_MIGRATIONS_DIR"] = TestEnvironment.migrationsDirectory
        environment["LOG_LEVEL"] = "warning"
        let binary = TestEnvironment.binaryDirectory.appendingPathComponent("optralis-api").path
        let migrated = try await ChildProcess.run(binary, ["migrate"], environment: environment, timeout: .seconds(120))
        guard migrated.status == 0 else { throw TestEnvironmentError(message: "optralis-api migrate failed: \(migrated.output)") }
        return TestDatabase(name: url.database, url: url)
    }

    /// Stops the server and deletes the cluster.
    public func remove() async {
        try? await stop()
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: directory + ".password")
    }
}
