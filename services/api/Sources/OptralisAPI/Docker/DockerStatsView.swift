import Hummingbird

/// `GET /api/admin/docker/containers/:id/stats`: one sample worked out as `docker stats` does.
/// CPU: the container's share of the host's CPU time between the two samples the engine sends,
/// times the online CPUs (200 % = two CPUs busy). Memory: usage less the page cache.
struct DockerStatsView: ResponseEncodable {
    let id: String?
    let name: String?
    let read: String?
    let cpuPercent: Double?
    let onlineCPUs: UInt64?
    let memoryUsage: UInt64?
    let memoryLimit: UInt64?
    let memoryPercent: Double?
    let networkRxBytes: UInt64
    let networkTxBytes: UInt64
    let blockReadBytes: UInt64
    let blockWriteBytes: UInt64
    let pids: UInt64?
    enum CodingKeys: String, CodingKey {
        case id, name, read, cpuPercent = "cpu_percent", onlineCPUs = "online_cpus", memoryUsage = "memory_usage", memoryLimit = "memory_limit"
        case memoryPercent = "memory_percent", networkRxBytes = "network_rx_bytes", networkTxBytes = "network_tx_bytes"
        case blockReadBytes = "block_read_bytes", blockWriteBytes = "block_write_bytes", pids
    }

    init(_ wire: DockerWire.Stats) {
        id = DockerViews.clip(wire.id)
        name = DockerViews.name(wire.name)
        read = DockerViews.clip(wire.read)
        let cpus = wire.cpu_stats?.online_cpus
        onlineCPUs = cpus
        cpuPercent = Self.cpuPercent(wire.cpu_stats, previous: wire.precpu_stats)
        let cache = wire.memory_stats?.stats?["inactive_file"] ?? wire.memory_stats?.stats?["cache"] ?? 0
        let usage = wire.memory_stats?.usage.map { $0 >= cache ? $0 - cache : $0 }
        memoryUsage = usage
        memoryLimit = wire.memory_stats?.limit
        if let usage, let limit = wire.memory_stats?.limit, limit > 0 {
            memoryPercent = Self.rounded(Double(usage) / Double(limit) * 100)
        } else {
            memoryPercent = nil
        }
        let interfaces = (wire.networks ?? [:]).values
        networkRxBytes = Self.sum(interfaces.map { $0.rx_bytes ?? 0 })
        networkTxBytes = Self.sum(interfaces.map { $0.tx_bytes ?? 0 })
        let io = wire.blkio_stats?.io_service_bytes_recursive ?? []
        blockReadBytes = Self.sum(io.filter { $0.op?.lowercased() == "read" }.map { $0.value ?? 0 })
        blockWriteBytes = Self.sum(io.filter { $0.op?.lowercased() == "write" }.map { $0.value ?? 0 })
        pids = wire.pids_stats?.current
    }

    /// Nil until the engine has two samples (`precpu_stats` empty) or when the counters went back.
    static func cpuPercent(_ now: DockerWire.Stats.CPU?, previous: DockerWire.Stats.CPU?) -> Double? {
        guard let total = now?.cpu_usage?.total_usage, let system = now?.system_cpu_usage,
            let previousTotal = previous?.cpu_usage?.total_usage, let previousSystem = previous?.system_cpu_usage,
            total >= previousTotal, system > previousSystem
        else { return nil }
        let cpus = Double(now?.online_cpus ?? 1)
        return rounded(Double(total - previousTotal) / Double(system - previousSystem) * cpus * 100)
    }

    /// Saturates instead of trapping on an engine's absurd counters.
    static func sum(_ values: [UInt64]) -> UInt64 {
        values.reduce(0) { total, value in
            let (result, overflow) = total.addingReportingOverflow(value)
            return overflow ? .max : result
        }
    }

    static func rounded(_ value: Double) -> Double? { value.isFinite ? (value * 100).rounded() / 100 : nil }
}
