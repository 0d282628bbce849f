#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import OptralisAgent
import OptralisCore

/// The entry point. For `run`, the resident code is trimmed first (``ResidentMemoryTrimmer``),
/// before the concurrency runtime, the process environment or the argument parser have started,
/// so that their start-up page faults, each mapping 64 KB of code, do not set the agent's peak
/// memory; then the command runs as a task while the main thread serves the main queue.
@main
enum AgentMain {
    static func main() {
        if runsTheAgent(Array(CommandLine.arguments.dropFirst())) {
            ResidentMemoryTrimmer.trim()
        }
        Task {
            await AgentCommand.main(nil)
            exit(0)
        }
        dispatchMain()
    }

    /// `run`, or the default subcommand (no argument, or options only), unless
    /// `AGENT_TRIM_RESIDENT_MEMORY` is false (an invalid value is reported by the configuration).
    static func runsTheAgent(_ arguments: [String]) -> Bool {
        guard arguments.first.map({ $0 == "run" || $0.hasPrefix("-") }) ?? true else { return false }
        var environment = EnvironmentReader(getenv("AGENT_TRIM_RESIDENT_MEMORY").map { ["AGENT_TRIM_RESIDENT_MEMORY": String(cString: $0)] } ?? [:])
        return environment.bool("AGENT_TRIM_RESIDENT_MEMORY", default: true)
    }
}
