import Foundation
import OptralisCore
import Testing

@testable import OptralisAgent

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
private let root = fixtures.appendingPathComponent("linux-root").path

private func rows(_ updates: [PendingUpdateInfo]) -> [[String?]] {
    updates.map { [$0.title, $0.kb, $0.category, $0.size, $0.isImportant ? "important" : "-"] }
}

@Suite("patches collector")
struct PatchesCollectorTests {
    @Test func apt_upgrade_simulation_lists_each_package_with_security_updates_marked() throws {
        // `apt-get -s -o Debug::NoLocking=1 upgrade` on a Debian 12 machine.
        let output = try String(contentsOf: fixtures.appendingPathComponent("apt/upgrade-simulation.txt"), encoding: .utf8)
        let updates = Updates(PatchesCollector.parseAptSimulation(output))

        #expect(updates.all.count == 131)
        #expect(updates.all.filter(\.isImportant).count == 80)
        #expect(updates.all.allSatisfy { ($0.category == "Security") == $0.isImportant && $0.kb == nil && $0.size == nil })
        #expect(
            rows(Array(updates.all.prefix(3))) == [
                ["base-files 12.4+deb12u11 → 12.4+deb12u15", nil, "Other", nil, "-"],
                ["bash 5.2.15-2+b8 → 5.2.15-2+b13", nil, "Other", nil, "-"],
                // Available from both the point release and the security archive.
                ["libgcrypt20-dev 1.10.1-3 → 1.10.1-3+deb12u1", nil, "Security", nil, "important"],
            ])
        #expect(
            rows(updates.titled(["libssl3", "libpam-modules-bin", "unzip"])) == [
                ["libssl3 3.0.19-1~deb12u2 → 3.0.22-1~deb12u2", nil, "Security", nil, "important"],
                ["libpam-modules-bin 1.5.2-6+deb12u1 → 1.5.2-6+deb12u2", nil, "Other", nil, "-"],
                ["unzip 6.0-28 → 6.0-28+deb12u1", nil, "Security", nil, "important"],
            ])
    }

    @Test func ubuntu_security_pockets_and_new_packages_are_understood() {
        let output = """
            NOTE: This is only a simulation!
                  apt-get needs root privileges for real execution.
                  Keep also in mind that locking is deactivated,
                  so don't depend on the relevance to the real current situation!
            Reading package lists...
            Inst libssl3 [3.0.2-0ubuntu1.15] (3.0.2-0ubuntu1.18 Ubuntu:22.04/jammy-updates, Ubuntu:22.04/jammy-security [amd64])
            Inst linux-image-5.15.0-127-generic (5.15.0-127.137 Ubuntu:22.04/jammy-updates [amd64])
            Conf libssl3 (3.0.2-0ubuntu1.18 Ubuntu:22.04/jammy-updates, Ubuntu:22.04/jammy-security [amd64])
            """
        #expect(
            rows(PatchesCollector.parseAptSimulation(output)) == [
                ["libssl3 3.0.2-0ubuntu1.15 → 3.0.2-0ubuntu1.18", nil, "Security", nil, "important"],
                ["linux-image-5.15.0-127-generic → 5.15.0-127.137", nil, "Other", nil, "-"],
            ])
    }

    @Test func dnf_check_update_marks_packages_with_a_security_advisory() {
        let checkUpdate = """

            glibc.x86_64                          2.34-100.el9_4.2          baseos
            glibc-common.x86_64                   2.34-100.el9_4.2          baseos
            tzdata.noarch                         2024b-2.el9               baseos
            Obsoleting Packages
            grub2-tools.x86_64                    1:2.06-80.el9             baseos
                grub2-tools.x86_64                1:2.06-77.el9             @baseos
            """
        let advisories = PatchesCollector.parseDnfAdvisories(
            """
            RLSA-2024:3339 Important/Sec. glibc-2.34-100.el9_4.2.x86_64
            RLSA-2024:3339 Important/Sec. glibc-common-2.34-100.el9_4.2.x86_64
            """)

        #expect(advisories == ["glibc": "RLSA-2024:3339", "glibc-common": "RLSA-2024:3339"])
        #expect(
            rows(PatchesCollector.parseDnfCheckUpdate(checkUpdate, securityAdvisories: advisories)) == [
                ["glibc → 2.34-100.el9_4.2", "RLSA-2024:3339", "Security", nil, "important"],
                ["glibc-common → 2.34-100.el9_4.2", "RLSA-2024:3339", "Security", nil, "important"],
                ["tzdata → 2024b-2.el9", nil, "Other", nil, "-"],
            ])
    }

    @Test func unattended_upgrades_are_on_when_the_period_is_not_zero() throws {
        let conf = try String(contentsOfFile: root + "/etc/apt/apt.conf.d/20auto-upgrades", encoding: .utf8)
        #expect(PatchesCollector.unattendedUpgrade(conf) == true)
        #expect(PatchesCollector.unattendedUpgrade("APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"0\";\n") == false)
        #expect(PatchesCollector.unattendedUpgrade("APT::Periodic::Update-Package-Lists \"1\";\n") == nil)
    }

    @Test func collect_reads_reboot_flag_and_auto_upgrades_under_the_root() async throws {
        let report = try await PatchesCollector(files: SystemFiles(root: root), runner: CommandRunner(searchPath: [])).collect()

        #expect(report.pendingUpdates.isEmpty)
        #expect(report.rebootRequired == true)
        #expect(report.autoUpdate == true)
        #expect(report.lastCheck == nil)
    }

    @Test func last_check_is_when_apt_last_refreshed_its_lists() async throws {
        let directory = NSTemporaryDirectory() + "optralis-apt-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stamp = directory + "/var/lib/apt/periodic/update-success-stamp"
        let cache = directory + "/var/cache/apt/pkgcache.bin"
        for path in [stamp, cache] {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data().write(to: URL(fileURLWithPath: path))
        }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_732_000_000)], ofItemAtPath: stamp)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_731_000_000)], ofItemAtPath: cache)
        let files = SystemFiles(root: directory)

        var report = try await PatchesCollector(files: files, runner: CommandRunner(searchPath: [])).collect()
        #expect(report.lastCheck == Date(timeIntervalSince1970: 1_732_000_000))
        #expect(report.rebootRequired == false)
        #expect(report.autoUpdate == nil)

        try FileManager.default.removeItem(atPath: stamp)
        report = try await PatchesCollector(files: files, runner: CommandRunner(searchPath: [])).collect()
        #expect(report.lastCheck == Date(timeIntervalSince1970: 1_731_000_000))
    }

    @Test func live_collect_matches_what_apt_would_upgrade_on_this_machine() async throws {
        let report = try await PatchesCollector().collect()
        #expect(report.rebootRequired == FileManager.default.fileExists(atPath: "/var/run/reboot-required"))
        guard let apt = try await CommandRunner().run("apt-get", ["-s", "-o", "Debug::NoLocking=1", "upgrade"]) else {
            #expect(report.pendingUpdates.isEmpty || CommandRunner().which("dnf") != nil)
            return
        }
        let installs = apt.output.split(separator: "\n").filter { $0.hasPrefix("Inst ") }
        #expect(report.pendingUpdates.count == installs.count)
        #expect(report.autoUpdate != nil)
    }
}

/// The parsed updates, looked up by package.
private struct Updates {
    let all: [PendingUpdateInfo]

    init(_ all: [PendingUpdateInfo]) { self.all = all }

    func titled(_ packages: [String]) -> [PendingUpdateInfo] {
        packages.compactMap { package in all.first { $0.title.hasPrefix(package + " ") } }
    }
}
