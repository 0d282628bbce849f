#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// `software`: installed packages from dpkg's database (`/var/lib/dpkg/status`), or from rpm on
/// distributions without dpkg; and the accounts people log in with, from `/etc/passwd`,
/// `/etc/group`, `/etc/shadow` (when readable) and `/var/log/lastlog`.
public struct SoftwareCollector: Collector {
    public static let kind = "software"
    let files: SystemFiles
    let runner: CommandRunner

    public init(files: SystemFiles = SystemFiles(), runner: CommandRunner = CommandRunner()) {
        self.files = files
        self.runner = runner
    }

    public func collect() async throws -> SoftwareReport {
        var software: [SoftwareItem] = []
        if let status = files.read("/var/lib/dpkg/status") {
            software = Self.parseDpkgStatus(status).map { package in
                var item = package.item
                item.installedAt = Self.dpkgInstallTime(package: item.name, architecture: package.architecture, files: files)
                    .map { $0.formatted(.iso8601) }
                return item
            }
        } else if let rpm = try? await runner.run("rpm", ["-qa", "--qf", "%{NAME}\t%{VERSION}-%{RELEASE}\t%{VENDOR}\t%{INSTALLTIME}\n"]) {
            software = Self.parseRpm(rpm.output)
        }
        var users = Self.parseUsers(
            passwd: files.read("/etc/passwd") ?? "", group: files.read("/etc/group") ?? "", shadow: files.read("/etc/shadow"), now: Date())
        for index in users.indices {
            users[index].user.lastLogon = Self.lastLogon(uid: users[index].uid, lastlog: files.path("/var/log/lastlog"))
                .map { $0.formatted(.iso8601) }
        }
        return SoftwareReport(software: software, users: users.map(\.user))
    }

    // MARK: Packages

    /// dpkg's status file: stanzas of `Field: value` separated by blank lines. Installed packages
    /// are those whose status ends in `installed` (`install ok installed`, or `hold ok installed`
    /// for a held one); removed packages whose configuration remains (`deinstall ok
    /// config-files`) are not. The publisher is the maintainer without the address.
    static func parseDpkgStatus(_ status: String) -> [(item: SoftwareItem, architecture: String?)] {
        status.components(separatedBy: "\n\n").compactMap { stanza in
            var fields: [Substring: Substring] = [:]
            for line in stanza.split(separator: "\n") where !line.hasPrefix(" ") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[line[..<colon]] = line[line.index(after: colon)...].drop { $0 == " " }
            }
            guard let name = fields["Package"], let state = fields["Status"], state.split(separator: " ").last == "installed" else {
                return nil
            }
            return (
                SoftwareItem(name: String(name), version: fields["Version"].map(String.init), publisher: fields["Maintainer"].flatMap(personName)),
                fields["Architecture"].map(String.init)
            )
        }
    }

    /// `Debian OpenSSL Team <pkg-openssl-devel@…>` → `Debian OpenSSL Team`; quotes removed.
    static func personName(_ field: Substring) -> String? {
        let name = (field.firstIndex(of: "<").map { field[..<$0] } ?? field)
            .trimmed { $0 == " " || $0 == "\t" || $0 == "\"" }
        return name.isEmpty ? nil : name
    }

    /// When dpkg last unpacked the package (installed or upgraded): the modification time of its
    /// file list, `<name>.list` or, for multi-arch packages, `<name>:<arch>.list`.
    static func dpkgInstallTime(package: String, architecture: String?, files: SystemFiles) -> Date? {
        let candidates = ["/var/lib/dpkg/info/\(package).list"] + (architecture.map { ["/var/lib/dpkg/info/\(package):\($0).list"] } ?? [])
        for path in candidates {
            if let modified = files.status(path)?.modified { return modified }
        }
        return nil
    }

    /// `rpm -qa --qf '%{NAME}\t%{VERSION}-%{RELEASE}\t%{VENDOR}\t%{INSTALLTIME}\n'`; the GPG keys
    /// rpm lists as `gpg-pubkey` packages are not software.
    static func parseRpm(_ output: String) -> [SoftwareItem] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 4, !fields[0].isEmpty, fields[0] != "gpg-pubkey" else { return nil }
            let vendor = fields[2] == "(none)" || fields[2].isEmpty ? nil : String(fields[2])
            let installed = TimeInterval(fields[3]).map { Date(timeIntervalSince1970: $0).formatted(.iso8601) }
            return SoftwareItem(name: String(fields[0]), version: String(fields[1]), publisher: vendor, installedAt: installed)
        }
    }

    // MARK: Users

    /// Shells that refuse an interactive login.
    static let nonLoginShells: Set<String> = ["nologin", "false", "sync", "shutdown", "halt"]
    static let adminGroups: Set<String> = ["sudo", "wheel", "admin"]

    /// People's accounts: root, regular users (uid ≥ 1000 except nobody, 65534) and system
    /// accounts with a login shell (postgres). Disabled when the shadow password is locked (`!`,
    /// `*`) or the account has expired; when the shadow file cannot be read, enabled.
    static func parseUsers(passwd: String, group: String, shadow: String?, now: Date) -> [(uid: Int, user: UserInfoData)] {
        var groupNames: [Int: String] = [:]
        var memberships: [String: [String]] = [:]
        for line in group.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 4, let gid = Int(fields[2]) else { continue }
            groupNames[gid] = String(fields[0])
            for member in fields[3].split(separator: ",") { memberships[String(member), default: []].append(String(fields[0])) }
        }
        var locked: [String: Bool] = [:]
        let today = Int(now.timeIntervalSince1970 / 86_400)
        for line in (shadow ?? "").split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 2 else { continue }
            let expired = fields.count >= 8 && Int(fields[7]).map { $0 <= today } == true
            locked[String(fields[0])] = fields[1].hasPrefix("!") || fields[1].hasPrefix("*") || expired
        }
        return passwd.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 7, let uid = Int(fields[2]), let gid = Int(fields[3]) else { return nil }
            let name = String(fields[0])
            let shell = fields[6].split(separator: "/").last.map(String.init) ?? ""
            guard uid == 0 || (uid >= 1000 && uid != 65534) || !nonLoginShells.contains(shell) else { return nil }
            let groups = (groupNames[gid].map { [$0] } ?? []) + (memberships[name] ?? []).filter { $0 != groupNames[gid] }
            let fullName = fields[4].split(separator: ",", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            return (
                uid,
                UserInfoData(
                    username: name, fullName: fullName.isEmpty ? nil : fullName, isAdmin: uid == 0 || groups.contains { adminGroups.contains($0) },
                    enabled: !(locked[name] ?? false), groups: groups)
            )
        }
    }

    /// `/var/log/lastlog` holds one 292-byte record per uid, starting with the last login time as
    /// a little-endian 32-bit count of seconds (0: never).
    static func lastLogon(uid: Int, lastlog path: String) -> Date? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var record = [UInt8](repeating: 0, count: 4)
        let count = record.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 4, off_t(uid) * 292) }
        return count == 4 ? lastLogon(record: record) : nil
    }

    static func lastLogon(record: [UInt8]) -> Date? {
        guard record.count >= 4 else { return nil }
        let seconds = UInt32(record[0]) | UInt32(record[1]) << 8 | UInt32(record[2]) << 16 | UInt32(record[3]) << 24
        return seconds == 0 ? nil : Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
