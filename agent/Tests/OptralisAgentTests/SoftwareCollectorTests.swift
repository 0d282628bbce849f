import Foundation
import OptralisCore
import Testing

@testable import OptralisAgent

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
private let root = fixtures.appendingPathComponent("linux-root").path

private func read(_ path: String) throws -> String {
    try String(contentsOfFile: root + path, encoding: .utf8)
}

private func rows(_ users: [UserInfoData]) -> [[String?]] {
    users.map {
        [$0.username, $0.fullName, $0.isAdmin ? "admin" : "-", $0.enabled ? "enabled" : "disabled", $0.groups?.joined(separator: ",")]
    }
}

@Suite("software collector")
struct SoftwareCollectorTests {
    @Test func dpkg_status_lists_installed_and_held_packages_with_maintainer_names() throws {
        let packages = SoftwareCollector.parseDpkgStatus(try read("/var/lib/dpkg/status"))

        #expect(
            packages.map { [$0.item.name, $0.item.version, $0.item.publisher, $0.architecture] } == [
                ["base-files", "12.4+deb12u11", "Santiago Vila", "amd64"],
                ["bash", "5.2.15-2+b8", "Matthias Klose", "amd64"],
                ["coreutils", "9.1-1", "Michael Stone", "amd64"],
                ["openssl", "3.0.19-1~deb12u2", "Debian OpenSSL Team", "amd64"],
                ["libssl3", "3.0.19-1~deb12u2", "Debian OpenSSL Team", "amd64"],
                ["tzdata", "2025b-0+deb12u2", "GNU Libc Maintainers", "all"],
                ["ca-certificates", "20230311+deb12u1", "Julien Cristau", "all"],
                ["curl", "7.88.1-10+deb12u15", "Alessandro Ghedini", "amd64"],
                ["git", "1:2.39.5-0+deb12u3", "Jonathan Nieder", "amd64"],
                ["openssh-client", "1:9.2p1-2+deb12u6", "Debian OpenSSH Maintainers", "amd64"],
                ["postgresql-15", "15.18-0+deb12u1", "Debian PostgreSQL Maintainers", "amd64"],
                ["python3.11", "3.11.2-6+deb12u6", "Matthias Klose", "amd64"],
                ["systemd", "252.38-1~deb12u1", "Debian systemd Maintainers", "amd64"],
                ["nginx", "1.22.1-9+deb12u1", "Debian Nginx Maintainers", "amd64"],
                ["jq", "1.6-2.1+deb12u1", "ChangZhuo Chen (陳昌倬)", "amd64"],
                ["zip", "3.0-13", "Santiago Vila", "amd64"],
                ["unzip", "6.0-28", "Santiago Vila", "amd64"],
                ["perl", "5.36.0-7+deb12u2", "Niko Tyni", "amd64"],
                ["libc6", "2.36-9+deb12u14", "GNU Libc Maintainers", "amd64"],
                ["dpkg", "1.21.22", "Dpkg Developers", "amd64"],
                ["libgcc-s1", "12.2.0-14+deb12u1", "Debian GCC Maintainers", "amd64"],
            ])
    }

    @Test func maintainer_names_lose_the_address_and_quotes() {
        #expect(SoftwareCollector.personName("\"Adam C. Powell, IV\" <hazelsct@debian.org>") == "Adam C. Powell, IV")
        #expect(SoftwareCollector.personName("Niko Tyni <ntyni@debian.org>") == "Niko Tyni")
        #expect(SoftwareCollector.personName("<nobody@example.org>") == nil)
    }

    @Test func rpm_query_lists_packages_without_gpg_keys() {
        let output = """
            bash\t5.1.8-9.el9\tRocky Enterprise Software Foundation\t1715600000
            gpg-pubkey\t350d275d-6279464b\t(none)\t1715600100
            openssl-libs\t3.0.7-27.el9\tRocky Enterprise Software Foundation\t1715600200
            optralis-agent\t1.2.0-1\t(none)\t1732260000

            """
        let items = SoftwareCollector.parseRpm(output)

        #expect(
            items.map { [$0.name, $0.version, $0.publisher, $0.installedAt] } == [
                ["bash", "5.1.8-9.el9", "Rocky Enterprise Software Foundation", "2024-05-13T11:33:20Z"],
                ["openssl-libs", "3.0.7-27.el9", "Rocky Enterprise Software Foundation", "2024-05-13T11:36:40Z"],
                ["optralis-agent", "1.2.0-1", nil, "2024-11-22T07:20:00Z"],
            ])
    }

    @Test func accounts_are_root_regular_users_and_system_accounts_with_a_shell() throws {
        let now = try Date("2024-11-22T12:00:00Z", strategy: .iso8601)
        let users = SoftwareCollector.parseUsers(
            passwd: try read("/etc/passwd"), group: try read("/etc/group"), shadow: try read("/etc/shadow"), now: now)

        #expect(users.map(\.uid) == [0, 105, 1000, 1001, 1002, 1003, 1004])
        #expect(
            rows(users.map(\.user)) == [
                ["root", "root", "admin", "enabled", "root"],
                ["postgres", "PostgreSQL administrator", "-", "disabled", "postgres,ssl-cert"],
                ["alice", "Alice Martin", "admin", "enabled", "alice,adm,sudo,docker"],
                ["bob", "Bob Durand", "-", "disabled", "bob,users,docker"],
                ["deploy", nil, "admin", "disabled", "deploy,sudo,www-data"],
                // Expired on day 19000 (2022-01-08) although the password is set.
                ["carol", "Carol Lefèvre", "-", "disabled", "carol"],
                ["svc-backup", "Backup service", "-", "disabled", "svc-backup"],
            ])
    }

    @Test func without_a_readable_shadow_file_every_account_is_enabled() throws {
        let users = SoftwareCollector.parseUsers(passwd: try read("/etc/passwd"), group: try read("/etc/group"), shadow: nil, now: Date())
        #expect(users.count == 7)
        #expect(users.allSatisfy { $0.user.enabled })
    }

    @Test func lastlog_records_give_the_last_login_by_uid() throws {
        let path = NSTemporaryDirectory() + "optralis-lastlog-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: path) }
        var file = [UInt8](repeating: 0, count: 1002 * 292)
        let seconds: UInt32 = 1_732_260_000
        for byte in 0..<4 { file[1000 * 292 + byte] = UInt8(truncatingIfNeeded: seconds >> (8 * UInt32(byte))) }
        Array("pts/0".utf8).enumerated().forEach { file[1000 * 292 + 4 + $0.offset] = $0.element }
        try Data(file).write(to: URL(fileURLWithPath: path))

        #expect(SoftwareCollector.lastLogon(uid: 1000, lastlog: path) == Date(timeIntervalSince1970: 1_732_260_000))
        #expect(SoftwareCollector.lastLogon(uid: 1001, lastlog: path) == nil)
        #expect(SoftwareCollector.lastLogon(uid: 4000, lastlog: path) == nil)
        #expect(SoftwareCollector.lastLogon(uid: 0, lastlog: path + ".missing") == nil)
    }

    @Test func collect_reads_packages_and_accounts_under_the_root() async throws {
        let report = try await SoftwareCollector(files: SystemFiles(root: root), runner: CommandRunner(searchPath: [])).collect()

        #expect(report.software.count == 21)
        #expect(report.software.allSatisfy { $0.installedAt == nil })
        #expect(report.users.map(\.username) == ["root", "postgres", "alice", "bob", "deploy", "carol", "svc-backup"])
        #expect(report.users.allSatisfy { $0.lastLogon == nil })
    }

    @Test func without_dpkg_or_rpm_there_is_no_software() async throws {
        let empty = NSTemporaryDirectory() + "optralis-empty-" + UUID().uuidString
        let report = try await SoftwareCollector(files: SystemFiles(root: empty), runner: CommandRunner(searchPath: [])).collect()
        #expect(report.software.isEmpty)
        #expect(report.users.isEmpty)
    }

    @Test func live_collect_lists_every_installed_package_of_this_machine() async throws {
        let report = try await SoftwareCollector().collect()
        let status = (try? String(contentsOfFile: "/var/lib/dpkg/status", encoding: .utf8)) ?? ""
        let installed = status.split(separator: "\n").filter { $0 == "Status: install ok installed" || $0 == "Status: hold ok installed" }

        #expect(report.software.count == installed.count)
        if !installed.isEmpty {
            #expect(report.software.contains { $0.name == "dpkg" && $0.version != nil && $0.installedAt != nil })
        }
        #expect(report.users.contains { $0.username == "root" && $0.isAdmin })
    }
}
