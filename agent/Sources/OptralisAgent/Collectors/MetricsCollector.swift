#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// `metrics`: CPU % and I/O wait from `/proc/stat` deltas, memory and swap from `/proc/meminfo`,
/// load and process count from `/proc/loadavg`, uptime, CPU temperature (hwmon or thermal
/// zones; nil when the machine has no sensor), disk throughput and latency from
/// `/proc/diskstats` deltas. The first sample after start compares with a reading taken 500 ms
/// earlier; later ones with the previous sample.
public actor MetricsCollector: Collector {
    public static let kind = "metrics"
    let files: SystemFiles
    private var previous: (cpu: CPUTimes, disks: DiskTotals, at: ContinuousClock.Instant)?

    public init(files: SystemFiles = SystemFiles()) {
        self.files = files
    }

    public func collect() async throws -> MetricsSample {
        if previous == nil {
            previous = (Self.cpuTimes(files.read("/proc/stat") ?? ""), Self.diskTotals(files.read("/proc/diskstats") ?? ""), .now)
            try await Task.sleep(for: .milliseconds(500))
        }
        let cpu = Self.cpuTimes(files.read("/proc/stat") ?? "")
        let disks = Self.diskTotals(files.read("/proc/diskstats") ?? "")
        let now = ContinuousClock.now
        let (lastCPU, lastDisks, lastAt) = previous!
        previous = (cpu, disks, now)
        let seconds = max((now - lastAt).seconds, 0.001)
        let memory = Self.memory(files.read("/proc/meminfo") ?? "")
        let load = Self.load(files.read("/proc/loadavg") ?? "")
        let busy = cpu.percentages(since: lastCPU)
        let io = disks.rates(since: lastDisks, seconds: seconds)
        return MetricsSample(
            cpuPercent: busy.busy, ramPercent: memory.ramPercent, ramUsedBytes: memory.usedBytes, ramTotalBytes: memory.totalBytes,
            swapPercent: memory.swapPercent, uptimeSeconds: Self.uptime(files.read("/proc/uptime") ?? ""), cpuTemp: Self.temperature(files),
            processCount: load?.processes, load1: load?.one, load5: load?.five, load15: load?.fifteen, diskReadBytesPerSec: io.read,
            diskWriteBytesPerSec: io.write, diskLatencyMs: io.latencyMs, ioWaitPercent: busy.ioWait)
    }

    // MARK: /proc/stat

    struct CPUTimes: Equatable {
        var total: UInt64 = 0
        var idle: UInt64 = 0
        var ioWait: UInt64 = 0

        /// Busy and I/O-wait shares of the time between two readings, 0–100.
        func percentages(since earlier: CPUTimes) -> (busy: Double, ioWait: Double) {
            guard total > earlier.total else { return (0, 0) }
            let elapsed = Double(total - earlier.total)
            let idleDelta = Double(idle &- earlier.idle), waitDelta = Double(ioWait &- earlier.ioWait)
            let busy = (elapsed - idleDelta - waitDelta) / elapsed * 100
            return (min(max(busy, 0), 100), min(max(waitDelta / elapsed * 100, 0), 100))
        }
    }

    /// The aggregate `cpu` line: user nice system idle iowait irq softirq steal (guest time is
    /// already inside user and nice).
    static func cpuTimes(_ stat: String) -> CPUTimes {
        guard let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return CPUTimes() }
        let values = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard values.count >= 4 else { return CPUTimes() }
        let counted = values.prefix(8)
        return CPUTimes(total: counted.reduce(0, +), idle: values[3], ioWait: values.count > 4 ? values[4] : 0)
    }

    // MARK: /proc/meminfo

    struct Memory: Equatable {
        var totalBytes: Int64
        var usedBytes: Int64
        var ramPercent: Double
        var swapPercent: Double?
    }

    /// Used = MemTotal − MemAvailable (what `free` calls available); swap % of SwapTotal, nil
    /// without swap.
    static func memory(_ meminfo: String) -> Memory {
        var kilobytes: [String: Int64] = [:]
        for line in meminfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let value = Int64(parts[1].split(separator: " ").first ?? "") else { continue }
            kilobytes[String(parts[0])] = value
        }
        let total = kilobytes["MemTotal"] ?? 0
        let available = kilobytes["MemAvailable"] ?? ((kilobytes["MemFree"] ?? 0) + (kilobytes["Buffers"] ?? 0) + (kilobytes["Cached"] ?? 0))
        let used = max(total - available, 0)
        let swapTotal = kilobytes["SwapTotal"] ?? 0, swapFree = kilobytes["SwapFree"] ?? 0
        return Memory(
            totalBytes: total * 1024, usedBytes: used * 1024, ramPercent: total > 0 ? Double(used) / Double(total) * 100 : 0,
            swapPercent: swapTotal > 0 ? Double(swapTotal - swapFree) / Double(swapTotal) * 100 : nil)
    }

    // MARK: /proc/loadavg, /proc/uptime

    /// "0.07 0.59 2.61 1/80 24633": the three loads and the number of processes (80).
    static func load(_ loadavg: String) -> (one: Double, five: Double, fifteen: Double, processes: Int?)? {
        let fields = loadavg.split(separator: " ")
        guard fields.count >= 3, let one = Double(fields[0]), let five = Double(fields[1]), let fifteen = Double(fields[2]) else { return nil }
        let processes = fields.count > 3 ? fields[3].split(separator: "/").last.flatMap { Int($0) } : nil
        return (one, five, fifteen, processes)
    }

    static func uptime(_ text: String) -> Int64? {
        text.split(separator: " ").first.flatMap { Double($0) }.map { Int64($0) }
    }

    // MARK: Temperature

    /// The CPU package sensor when one is named so (coretemp "Package id", k10temp "Tctl"/"Tdie",
    /// cpu_thermal), else the hottest thermal zone; nil when there is none.
    static func temperature(_ files: SystemFiles) -> Double? {
        var candidates: [(priority: Int, celsius: Double)] = []
        for hwmon in files.list("/sys/class/hwmon") {
            let base = "/sys/class/hwmon/\(hwmon)"
            let chip = files.read("\(base)/name")?.trimmed() ?? ""
            for entry in files.list(base) where entry.hasPrefix("temp") && entry.hasSuffix("_input") {
                guard let milli = files.read("\(base)/\(entry)").flatMap({ Double($0.trimmed()) }) else { continue }
                let label =
                    files.read("\(base)/\(entry.dropLast("_input".count))_label")?
                    .trimmed() ?? ""
                let cpuChip = ["coretemp", "k10temp", "zenpower", "cpu_thermal", "soc_thermal"].contains(chip)
                let package = label.hasPrefix("Package") || label == "Tctl" || label == "Tdie"
                candidates.append((cpuChip ? (package ? 0 : 1) : 3, milli / 1000))
            }
        }
        for zone in files.list("/sys/class/thermal") where zone.hasPrefix("thermal_zone") {
            guard let milli = files.read("/sys/class/thermal/\(zone)/temp").flatMap({ Double($0.trimmed()) })
            else { continue }
            let type = files.read("/sys/class/thermal/\(zone)/type")?.lowercased() ?? ""
            candidates.append((type.contains("cpu") || type.contains("x86_pkg") ? 2 : 4, milli / 1000))
        }
        let plausible = candidates.filter { (-40...150).contains($0.celsius) && $0.celsius != 0 }
        guard let best = plausible.map(\.priority).min() else { return nil }
        return plausible.filter { $0.priority == best }.map(\.celsius).max()
    }

    // MARK: /proc/diskstats

    struct DiskTotals: Equatable {
        var sectorsRead: UInt64 = 0
        var sectorsWritten: UInt64 = 0
        var completedIOs: UInt64 = 0
        var ioMilliseconds: UInt64 = 0

        /// Bytes/s read and written, and the average time per completed I/O in ms.
        func rates(since earlier: DiskTotals, seconds: Double) -> (read: Double, write: Double, latencyMs: Double?) {
            let read = Double(sectorsRead &- earlier.sectorsRead) * 512 / seconds
            let write = Double(sectorsWritten &- earlier.sectorsWritten) * 512 / seconds
            let ios = completedIOs &- earlier.completedIOs
            let latency = ios > 0 ? Double(ioMilliseconds &- earlier.ioMilliseconds) / Double(ios) : nil
            return (max(read, 0), max(write, 0), latency)
        }
    }

    /// Whole physical disks only (sd*, vd*, xvd*, nvme*n*, mmcblk*): not partitions, loops, rams or
    /// device-mapper volumes, which would count the same I/O twice.
    static func diskTotals(_ diskstats: String) -> DiskTotals {
        var totals = DiskTotals()
        for line in diskstats.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 14, isWholeDisk(String(fields[2])) else { continue }
            let value = { (index: Int) in UInt64(fields[index]) ?? 0 }
            totals.completedIOs += value(3) + value(7)
            totals.sectorsRead += value(5)
            totals.sectorsWritten += value(9)
            totals.ioMilliseconds += value(6) + value(10)
        }
        return totals
    }

    static func isWholeDisk(_ name: String) -> Bool {
        if name.hasPrefix("nvme") || name.hasPrefix("mmcblk") {
            // `nvme0n1p2`, `mmcblk0p1`: a partition ends with `p` and digits.
            let stem = name.reversed().drop { $0.isASCII && $0.isNumber }
            return stem.count == name.count || stem.first != "p"
        }
        guard name.hasPrefix("sd") || name.hasPrefix("vd") || name.hasPrefix("xvd") || name.hasPrefix("hd") else { return false }
        return !(name.last?.isNumber ?? true)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
