#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ArgumentParser
import OptralisCore

/// Where `optralis-agent install` finds the install token: `OPTRALIS_INSTALL_TOKEN`, else the
/// first line of standard input (asked for without echo on a terminal). `--token` still works,
/// with a warning, for scripts written before: a command line shows in `ps` and shell history.
enum InstallToken {
    static let variable = "OPTRALIS_INSTALL_TOKEN"

    static func read(option: String?) throws -> String {
        if let option {
            warn("warning: --token shows the install token in ps and shell history; set \(variable) or pipe it on standard input\n")
            return try nonEmpty(option)
        }
        if let value = ProcessInfo.processInfo.environment[variable] { return try nonEmpty(value) }
        let terminal = isatty(STDIN_FILENO) == 1
        if terminal { warn("Install token: ") }
        let line = terminal ? withoutEcho { Swift.readLine(strippingNewline: true) } : Swift.readLine(strippingNewline: true)
        if terminal { warn("\n") }
        return try nonEmpty(line ?? "")
    }

    private static func warn(_ text: String) {
        var message = text
        _ = message.withUTF8 { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    private static func nonEmpty(_ token: String) throws -> String {
        let trimmed = token.trimmed()
        guard !trimmed.isEmpty else { throw ValidationError("no install token: set \(variable) or give it on standard input") }
        return trimmed
    }

    private static func withoutEcho<T>(_ body: () -> T) -> T {
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return body() }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        return body()
    }
}
