import Foundation
import OptralisCore

/// Range checks on decoded collector data. A post that fails is refused whole (400
/// `INVALID_PAYLOAD`, naming the field) before anything is written. Free text is not refused for
/// its length: ``CollectRows`` cuts it to the column's size, so a long event message is kept.
enum CollectValidation {
    static let maximumItems = 50_000

    static func check(_ data: CollectorData) throws {
        switch data {
        case .metrics(let sample): try check(sample)
        case .storage(let report):
            try count(report.disks, "data.disks", maximum: 1_024)
            for (index, disk) in report.disks.enumerated() {
                let path = "data.disks[\(index)]"
                try require(!disk.mountPoint.isEmpty, "\(path).mount_point", "must not be empty")
                try require((0...10_000_000).contains(disk.totalGb), "\(path).total_gb", "must be between 0 and 10000000")
                try require((0...10_000_000).contains(disk.usedGb), "\(path).used_gb", "must be between 0 and 10000000")
                try percent(disk.usedPercent, "\(path).used_percent")
            }
        case .storageHealth(let report):
            try count(report.disks, "data.disks", maximum: 1_024)
            for (index, disk) in report.disks.enumerated() {
                let path = "data.disks[\(index)]"
                try require(!disk.device.isEmpty, "\(path).device", "must not be empty")
                try require(
                    SmartDiskInfo.statuses.contains(disk.smartStatus), "\(path).smart_status",
                    "must be one of \(SmartDiskInfo.statuses.sorted().joined(separator: ", "))")
                try nonNegative(
                    [disk.powerOnHours, disk.powerCycleCount, disk.reallocatedSectors, disk.currentPendingSectors, disk.offlineUncorrectable], path)
            }
        case .network(let report):
            try count(report.interfaces, "data.interfaces", maximum: 4_096)
            if let latency = report.latencyMs { try require(latency >= 0, "data.latency_ms", "must not be negative") }
            if let loss = report.packetLoss { try percent(loss, "data.packet_loss") }
            for (index, interface) in report.interfaces.enumerated() {
                try require(!interface.name.isEmpty, "data.interfaces[\(index)].name", "must not be empty")
                for rate in [interface.bytesRecvPerSec, interface.bytesSentPerSec, interface.packetsRecvPerSec, interface.packetsSentPerSec] {
                    try require((rate ?? 0) >= 0, "data.interfaces[\(index)]", "rates must not be negative")
                }
            }
        case .services(let report):
            try count(report.services, "data.services", maximum: maximumItems)
            for (index, service) in report.services.enumerated() {
                try require(!service.name.isEmpty, "data.services[\(index)].name", "must not be empty")
            }
        case .security(let report):
            try count(report.ports, "data.ports", maximum: 2 * 65_536)
            for (index, port) in report.ports.enumerated() {
                try require((0...65_535).contains(port.port), "data.ports[\(index)].port", "must be between 0 and 65535")
            }
        case .software(let report):
            try count(report.software, "data.software", maximum: maximumItems)
            try count(report.users, "data.users", maximum: maximumItems)
        case .patches(let report):
            try count(report.pendingUpdates, "data.pending_updates", maximum: maximumItems)
        case .databases(let report):
            try count(report.databases, "data.databases", maximum: 1_000)
            for (index, sample) in report.databases.enumerated() {
                let path = "data.databases[\(index)]"
                try nonNegative(
                    [sample.connectionsActive.map(Int64.init), sample.connectionsIdle.map(Int64.init), sample.slowQueriesCount, sample.deadlocksCount], path)
                try require(
                    (sample.connectionsActive ?? 0) <= Int(Int32.max) && (sample.connectionsIdle ?? 0) <= Int(Int32.max), path, "connections out of range")
                for value in [sample.queryTimeAvgMs, sample.replicationLagMs] {
                    try require(value.map { $0 >= 0 && $0.isFinite } ?? true, path, "times must not be negative")
                }
                if let ratio = sample.cacheHitRatio { try percent(ratio, "\(path).cache_hit_ratio") }
                try count(sample.slowQueries, "\(path).slow_queries", maximum: 100)
                try count(sample.missing, "\(path).missing", maximum: 100)
            }
        case .apm(let report):
            try count(report.probes, "data.probes", maximum: 1_000)
            for (index, probe) in report.probes.enumerated() {
                let path = "data.probes[\(index)]"
                if let time = probe.responseTimeMs {
                    try require(time.isFinite && (0...3_600_000).contains(time), "\(path).response_time_ms", "must be between 0 and 3600000")
                }
                if let status = probe.statusCode { try require((0...999).contains(status), "\(path).status_code", "must be between 0 and 999") }
                if let days = probe.tlsDaysLeft {
                    try require((-100_000...100_000).contains(days), "\(path).tls_days_left", "must be between -100000 and 100000")
                }
                if let errors = probe.errorCount { try require((0...100_000_000).contains(errors), "\(path).error_count", "must be between 0 and 100000000") }
            }
        case .events(let report):
            try count(report.events, "data.events", maximum: 10_000)
            for (index, event) in report.events.enumerated() {
                try require(EventRecord.levels.contains(event.level), "data.events[\(index)].level", "must be one of critical, error, warning, info")
            }
        }
    }

    private static func check(_ sample: MetricsSample) throws {
        try percent(sample.cpuPercent, "data.cpu_percent")
        try percent(sample.ramPercent, "data.ram_percent")
        for (value, field) in [(sample.swapPercent, "swap_percent"), (sample.ioWaitPercent, "io_wait_percent")] {
            if let value { try percent(value, "data.\(field)") }
        }
        if let temperature = sample.cpuTemp { try require((-60...200).contains(temperature), "data.cpu_temp", "must be between -60 and 200 °C") }
        try nonNegative([sample.ramUsedBytes, sample.ramTotalBytes, sample.uptimeSeconds, sample.processCount.map(Int64.init)], "data")
        for value in [sample.load1, sample.load5, sample.load15, sample.diskReadBytesPerSec, sample.diskWriteBytesPerSec, sample.diskLatencyMs] {
            try require((value ?? 0) >= 0, "data", "loads, rates and latencies must not be negative")
        }
    }

    private static func percent(_ value: Double, _ path: String) throws {
        try require((0...100).contains(value), path, "must be between 0 and 100")
    }

    private static func nonNegative(_ values: [Int64?], _ path: String) throws {
        try require(values.allSatisfy { ($0 ?? 0) >= 0 }, path, "counters must not be negative")
    }

    private static func count<T>(_ items: [T], _ path: String, maximum: Int) throws {
        try require(items.count <= maximum, path, "must have at most \(maximum) items")
    }

    private static func require(_ condition: Bool, _ path: String, _ problem: String) throws {
        guard condition else { throw AgentError.invalidPayload("\(path) \(problem)") }
    }
}
