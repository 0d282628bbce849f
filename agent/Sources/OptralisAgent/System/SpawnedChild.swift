#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// One child process started by ``CommandRunner``: stdin and stderr on /dev/null, stdout on a
/// non-blocking pipe, default signal dispositions (the parent ignores SIGTERM for its own
/// shutdown handling, and ignored signals would otherwise survive `exec`).
final class SpawnedChild {
    let pid: pid_t
    private var reader: Int32
    private var status: Int32?

    struct SpawnFailed: Error, CustomStringConvertible {
        let executable: String
        let code: Int32
        var description: String { "cannot run \(executable): \(String(cString: strerror(code)))" }
    }

    /// Held from `pipe` to `posix_spawn`: a child spawned by another thread in between would
    /// inherit this pipe's write end (it is not yet close-on-exec) and hold it open.
    private static let spawning = Mutex(())

    init(executable: String, arguments: [String], environment: [String]) throws {
        var attempt = 0
        let (pid, reader): (pid_t, Int32)
        while true {
            do {
                (pid, reader) = try Self.spawning.withLock { _ in
                    try Self.spawn(executable: executable, arguments: arguments, environment: environment)
                }
                break
            } catch let failure as SpawnFailed where failure.code == ETXTBSY && attempt < 5 {
                // A file just written (a script, an updated tool) stays open for writing for a
                // moment in a child another thread or process is starting: wait and try again.
                attempt += 1
                usleep(useconds_t(20_000 * attempt))
            }
        }
        self.pid = pid
        self.reader = reader
        _ = fcntl(reader, F_SETFL, fcntl(reader, F_GETFL) | O_NONBLOCK)
    }

    private static func spawn(executable: String, arguments: [String], environment: [String]) throws -> (pid_t, Int32) {
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else { throw SpawnFailed(executable: executable, code: errno) }
        pipeEnds.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(pipeEnds[1])
        guard code == 0 else {
            close(pipeEnds[0])
            throw SpawnFailed(executable: executable, code: code)
        }
        return (pid, pipeEnds[0])
    }

    /// Appends what the pipe holds now; false once the child closed its end.
    func drain(into output: inout [UInt8]) -> Bool {
        guard reader >= 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
            if count > 0 {
                output.append(contentsOf: buffer[0..<count])
            } else if count < 0, errno == EAGAIN || errno == EINTR {
                return true
            } else {
                close(reader)
                reader = -1
                return false
            }
        }
    }

    /// The exit status once the child has exited (128 + signal when killed), without waiting.
    func exitStatus() -> Int32? {
        if let status { return status }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        let signal = raw & 0x7f
        status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
        return status
    }

    func terminate() {
        if status == nil { kill(pid, SIGTERM) }
    }

    deinit {
        if reader >= 0 { close(reader) }
        if status == nil {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
        }
    }
}
