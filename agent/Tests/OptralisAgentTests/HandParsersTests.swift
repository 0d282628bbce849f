import Foundation
import OptralisCore
import Testing

@testable import OptralisAgent

/// The parsers written by hand so the agent does not load Swift's regex engine, checked against
/// the regular expressions they replace.
@Suite("Hand-written parsers")
struct HandParsersTests {
    @Test func apt_inst_lines_parse_as_the_regular_expression_did() throws {
        let fixture = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/apt/upgrade-simulation.txt"),
            encoding: .utf8)
        let edges: [Substring] = [
            "Inst foo (1.0 [all])", "Inst foo [0.9] (1.0 Debian:12/stable [amd64]) []", "Inst foo (1.0 a [b] c [amd64])",
            "Inst foo [0.9 (1.0 x [amd64])", "Inst  (1.0 x [amd64])", "Inst foo (1.0 x [amd64]", "Conf foo (1.0 x [amd64])",
        ]
        let pattern = /Inst (\S+) (?:\[([^\]]*)\] )?\((\S+) (.*?) ?\[[^\]]*\]\).*/
        for line in fixture.split(separator: "\n") + edges {
            var expected: [String?]?
            if let match = line.wholeMatch(of: pattern) {
                expected = [String(match.1), match.2.map(String.init), String(match.3), String(match.4)]
            }
            var parsed: [String?]?
            if let fields = PatchesCollector.aptInstLine(line) {
                parsed = [String(fields.package), fields.old.map(String.init), String(fields.new), String(fields.origins)]
            }
            #expect(parsed == expected, "\(line)")
        }
    }

    @Test func unattended_upgrade_setting_tolerates_spacing() {
        #expect(PatchesCollector.unattendedUpgrade("  APT::Periodic::Unattended-Upgrade\t \"7\";") == true)
        #expect(PatchesCollector.unattendedUpgrade("APT::Periodic::Unattended-Upgrade\"1\";") == nil)
        #expect(PatchesCollector.unattendedUpgrade("APT::Periodic::Unattended-Upgrades \"1\";") == nil)
    }

    @Test func whole_disks_are_told_from_partitions() {
        for disk in ["sda", "vdb", "nvme0n1", "nvme10n2", "mmcblk0"] { #expect(MetricsCollector.isWholeDisk(disk), "\(disk)") }
        for partition in ["sda1", "nvme0n1p2", "mmcblk0p1", "loop0", "dm-0"] { #expect(!MetricsCollector.isWholeDisk(partition), "\(partition)") }
    }

    @Test func mountinfo_escapes_and_paths_and_trimming() {
        #expect(StorageCollector.unescape(#"/media/a\040b\011c\\"#) == "/media/a b\tc\\\\")
        #expect(StorageCollector.unescape(#"/x\999"#) == #"/x\999"#)
        #expect("/dev/disk/by-id/x".lastPathComponent == "x" && "sda".lastPathComponent == "sda")
        #expect("/etc/optralis/agent.json".deletingLastPathComponent == "/etc/optralis" && "/agent.json".deletingLastPathComponent == "/")
        #expect(" \t value \n".trimmed() == "value" && "\"quoted'".trimmed(["\"", "'"]) == "quoted" && "  ".trimmed() == "")
        #expect(Spool.fileName(42) == "0000000000000000042.json")
    }

    @Test func a_shutdown_signal_wakes_every_waiter_with_the_first_signal() async {
        let shutdown = ShutdownSignal(signals: [])
        async let first = shutdown.wait()
        try? await Task.sleep(for: .milliseconds(50))
        shutdown.trigger(SIGTERM)
        shutdown.trigger(SIGINT)
        #expect(await first == SIGTERM)
        #expect(await shutdown.wait() == SIGTERM)
    }
}
