#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore
import Synchronization

/// The agent's counters, served at `/metrics` in the Prometheus text format: what it posted
/// (by collector and outcome), collection failures, the last delivery, the status requests
/// it answered, and its own resident memory.
public final class AgentMetrics: Sendable {
    /// How a post ended: delivered, refused for good, or kept for a retry.
    public enum PostOutcome: String, Sendable, CaseIterable {
        case delivered, rejected, retry
    }

    private struct State {
        var posts: [String: Int] = [:]
        var collectFailures: [String: Int] = [:]
        var statusRequests: [String: Int] = [:]
        var lastDelivery: Date?
    }

    private let state = Mutex(State())

    public init() {}

    func post(_ collector: String, _ outcome: PostOutcome) {
        state.withLock { state in
            state.posts[#"collector="\#(collector)",outcome="\#(outcome.rawValue)""#, default: 0] += 1
            if outcome == .delivered { state.lastDelivery = Date() }
        }
    }

    func collectFailed(_ collector: String) {
        state.withLock { $0.collectFailures[#"collector="\#(collector)""#, default: 0] += 1 }
    }

    func statusRequest(path: String, status: Int) {
        state.withLock { $0.statusRequests[#"path="\#(path)",status="\#(status)""#, default: 0] += 1 }
    }

    /// The text exposition (version 0.0.4).
    public func exposition() -> String {
        let snapshot = state.withLock { $0 }
        var text = """
            # HELP optralis_build_info Always 1; labels carry the service name and version.
            # TYPE optralis_build_info gauge
            optralis_build_info{service="agent",version="\(OptralisVersion.current)"} 1

            """
        func family(_ name: String, _ type: String, _ help: String, _ samples: [String: Int]) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in samples.sorted(by: { $0.key < $1.key }) { text += "\(name){\(labels)} \(value)\n" }
        }
        family("optralis_agent_posts_total", "counter", "Posts to the gateway by collector and outcome.", snapshot.posts)
        family("optralis_agent_collect_failures_total", "counter", "Collections that failed, by collector.", snapshot.collectFailures)
        family("optralis_agent_status_requests_total", "counter", "Requests answered by this status server.", snapshot.statusRequests)
        if let last = snapshot.lastDelivery {
            text += "# HELP optralis_agent_last_delivery_timestamp_seconds When a post last reached the gateway.\n"
            text += "# TYPE optralis_agent_last_delivery_timestamp_seconds gauge\n"
            text += "optralis_agent_last_delivery_timestamp_seconds \(Int(last.timeIntervalSince1970))\n"
        }
        if let resident = Self.residentBytes() {
            text += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\n"
            text += "process_resident_memory_bytes \(resident)\n"
        }
        return text
    }

    /// From `/proc/self/statm`.
    static func residentBytes(files: SystemFiles = SystemFiles()) -> Int? {
        files.read("/proc/self/statm").flatMap(residentBytes(statm:))
    }

    /// The second field of statm: resident pages.
    static func residentBytes(statm: String) -> Int? {
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * 4096
    }
}
