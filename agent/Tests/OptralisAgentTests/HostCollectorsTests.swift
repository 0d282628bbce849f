import Foundation
@testable import OptralisAgent
import OptralisTestSupport
import Testing

/// metrics, storage and network: parsers on captured procfs files, then the live machine beside
/// an independent reading (`free`, `df`, `/proc/loadavg`).
@Suite("Host collectors (metrics, storage, network)")
struct HostCollectorsTests {
    static let host = SystemFiles(root: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/host").path)

    @Test func cpu_memory_load_and_disk_counters_parse_from_procfs() throws {
        let cpu = MetricsCollector.cpuTimes(try #require(Self.host.read("/proc/stat")))
        #expect(cpu == MetricsCollector.CPUTimes(total: 2_818_109, idle: 1_593_734, ioWait: 53_784))
        let later = MetricsCollector.CPUTimes(total: cpu.total + 100, idle: cpu.idle + 60, ioWait: cpu.ioWait + 10)
        #expect(later.percentages(since: cpu) == (busy: 30, ioWait: 10))

        let memory = MetricsCollector.memory(try #require(Self.host.read("/proc/meminfo")))
        #expect(memory.totalBytes == 24_684_096 * 1024 && memory.usedBytes == (24_684_096 - 23_154_732) * 1024)
        #expect(abs(memory.ramPercent - 6.1957) < 0.001 && memory.swapPercent == nil, "no swap: nil, not 0")

        let loadavg = try #require(Self.host.read("/proc/loadavg"))
        let load = try #require(MetricsCollector.load(loadavg))
        #expect(load.one == 0.44 && load.five == 0.83 && load.fifteen == 1.80 && load.processes == 126)

        let disks = MetricsCollector.diskTotals(try #require(Self.host.read("/proc/diskstats")))
        #expect(
            disks
                == MetricsCollector.DiskTotals(
                    sectorsRead: 51_315_642 + 4_000, sectorsWritten: 272_082_776 + 5_600, completedIOs: 1_853_902 + 5_100_508 + 500 + 700,
                    ioMilliseconds: 1_251_299 + 1_705_631 + 20 + 30), "vda and nvme0n1 only: no partition, dm, zram or loop counted twice")
        var after = disks
        after.sectorsRead += 2_048
        after.completedIOs += 4
        after.ioMilliseconds += 10
        let rates = after.rates(since: disks, seconds: 2)
        #expect(rates.read == 524_288 && rates.write == 0 && rates.latencyMs == 2.5)
        #expect(MetricsCollector.uptime("14108.52 27000.10\n") == 14_108)
    }

    @Test func local_filesystems_are_listed_once_and_pseudo_or_network_ones_skipped() throws {
        let mounts = StorageCollector.mounts(try #require(Self.host.read("/proc/self/mountinfo")))
        #expect(
            mounts == [
                .init(point: "/", device: "/dev/vda", type: "ext4"),
                .init(point: "/data disk", device: "/dev/nvme0n1p1", type: "xfs"),
            ], "the bind mount of /dev/vda, NFS, squashfs, tmpfs, cgroups and proc are left out")
        #expect(StorageCollector.unescape(#"/a\040b\134c"#) == #"/a b\c"#)
    }

    /// procfs hands a file out one page per read and says its size is 0; every line must arrive.
    @Test func procfs_files_larger_than_a_page_are_read_to_the_end() throws {
        let smaps = try #require(SystemFiles().read("/proc/self/smaps"))
        let lines = smaps.split(separator: "\n")
        #expect(smaps.utf8.count > 4 * 16_384, "a test process maps far more than one read's worth")
        #expect(smaps.hasSuffix("\n") && lines.last?.hasPrefix("VmFlags:") == true, "ends on the last mapping's last line")
        let mappings = lines.filter { $0.split(separator: " ").first?.contains("-") == true }
        #expect(mappings.count == lines.filter { $0.hasPrefix("VmFlags:") }.count, "every mapping arrives whole")
        #expect(SystemFiles().read("/proc/self/no-such-file") == nil)
    }

    @Test func interface_counters_parse_from_net_dev() throws {
        let counters = NetworkCollector.counters(try #require(Self.host.read("/proc/net/dev")))
        #expect(Set(counters.keys) == ["lo", "ifb0", "ifb1", "eth0"])
        #expect(
            counters["eth0"]
                == NetworkCollector.Counters(
                    bytesReceived: 104_517_354, packetsReceived: 2_786, errorsIn: 0, dropsIn: 0, bytesSent: 120_404, packetsSent: 1_426, errorsOut: 0,
                    dropsOut: 0))
    }

    @Test func the_live_machine_agrees_with_free_df_and_loadavg() async throws {
        let sample = try await MetricsCollector().collect()
        let free = try await ChildProcess.run("/usr/bin/free", ["-b"])
        let memoryLine = try #require(free.output.split(separator: "\n").first { $0.hasPrefix("Mem:") }).split(separator: " ")
        let (total, available) = (Double(memoryLine[1])!, Double(memoryLine[6])!)
        #expect(abs(sample.ramPercent - (total - available) / total * 100) < 2, "free says \((total - available) / total * 100) %")
        #expect((0...100).contains(sample.cpuPercent) && sample.ramTotalBytes == Int64(total))
        let loadavg = try String(contentsOfFile: "/proc/loadavg", encoding: .utf8).split(separator: " ")
        #expect(abs((sample.load15 ?? -1) - Double(loadavg[2])!) < 0.5)

        let storage = try await StorageCollector().collect()
        let root = try #require(storage.disks.first { $0.mountPoint == "/" }, "\(storage.disks)")
        let df = try await ChildProcess.run("/bin/df", ["-B1", "--output=size,pcent", "/"])
        let columns = try #require(df.output.split(separator: "\n").last).split(separator: " ")
        let dfSize = Double(columns[0])! / 1_073_741_824, dfPercent = Double(columns[1].dropLast())!
        #expect(abs(root.totalGb - dfSize) < 0.02 && abs(root.usedPercent - dfPercent) <= 1, "df: \(df.output)")

        let network = NetworkCollector()
        _ = try await network.collect()
        try await Task.sleep(for: .milliseconds(200))
        let second = try await network.collect()
        #expect(!second.interfaces.contains { $0.name == "lo" } && second.interfaces.allSatisfy { ($0.bytesRecvPerSec ?? -1) >= 0 })
    }

    @Test func the_latency_probe_measures_a_tcp_connect_and_reports_loss() async throws {
        let port = try freePort()
        let listener = try ChildProcess(
            executable: "/usr/bin/python3",
            arguments: [
                "-c",
                """
                import socket,time
                s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", \(port))); s.listen(16); time.sleep(30)
                """,
            ])
        defer { listener.signal(SIGTERM) }
        let up = await eventually { await NetworkCollector.connectTime(host: "127.0.0.1", port: port, timeout: 1) != nil }
        #expect(up)
        let reached = try await NetworkCollector(probe: ("127.0.0.1", port)).collect()
        #expect(reached.packetLoss == 0 && (reached.latencyMs ?? 100) < 50)
        let closed = try await NetworkCollector(probe: ("127.0.0.1", try freePort())).collect()
        #expect(closed.packetLoss == 100 && closed.latencyMs == nil)
    }
}
