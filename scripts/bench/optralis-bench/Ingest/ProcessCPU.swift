import Foundation

/// CPU time (user + system, from `/proc/<pid>/stat`) of the api, of every PostgreSQL process and
/// of the benchmark itself, read before and after a run: where the machine's cores went, since
/// the generator shares them with the server.
struct ProcessCPU {
    let api: Double
    let postgres: Double
    let generator: Double

    static func read(api pid: Int32?) -> ProcessCPU {
        var postgres = 0.0
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries where entry.first?.isNumber == true {
            if let (name, seconds) = stat(entry), name == "postgres" { postgres += seconds }
        }
        return ProcessCPU(
            api: pid.flatMap { stat(String($0))?.seconds } ?? 0, postgres: postgres,
            generator: stat(String(ProcessInfo.processInfo.processIdentifier))?.seconds ?? 0)
    }

    /// (command name, utime + stime in seconds); nil for a process gone meanwhile.
    private static func stat(_ pid: String) -> (name: String, seconds: Double)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3, utime 14 and stime 15 (1-based).
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (String(text[text.index(after: open)..<close]), (user + system) / ticks)
    }

    /// "CPU over the window: api … % of a core (… ms per request), PostgreSQL …, generator …".
    static func line(before: ProcessCPU, after: ProcessCPU, seconds: Double, requests: Int) -> String {
        func part(_ name: String, _ used: Double) -> String {
            String(format: "%@ %.0f %% of a core (%.2f ms per request)", name, used / seconds * 100, requests > 0 ? used * 1000 / Double(requests) : 0)
        }
        return "CPU over the window: "
            + [
                part("api", after.api - before.api), part("PostgreSQL", after.postgres - before.postgres),
                part("generator", after.generator - before.generator),
            ].joined(separator: ", ")
    }

    /// "api … s of CPU (… ms per agent), PostgreSQL …, generator …": a storm's cost per returning agent.
    static func perAgent(before: ProcessCPU, after: ProcessCPU, agents: Int) -> String {
        func part(_ name: String, _ used: Double) -> String {
            String(format: "%@ %.1f s (%.2f ms per agent)", name, used, agents > 0 ? used * 1000 / Double(agents) : 0)
        }
        return [
            part("api", after.api - before.api), part("PostgreSQL", after.postgres - before.postgres),
            part("generator", after.generator - before.generator),
        ].joined(separator: ", ")
    }
}
