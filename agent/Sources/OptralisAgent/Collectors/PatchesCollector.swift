#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// `patches`: pending updates as the package manager sees them from its cached lists, without
/// touching the network (apt's upgrade simulation; on dnf systems `check-update --cacheonly` with
/// the security advisories), whether a reboot is pending, whether unattended upgrades are on,
/// and when the lists were last refreshed.
public struct PatchesCollector: Collector {
    public static let kind = "patches"
    let files: SystemFiles
    let runner: CommandRunner

    public init(files: SystemFiles = SystemFiles(), runner: CommandRunner = CommandRunner()) {
        self.files = files
        self.runner = runner
    }

    public func collect() async throws -> PatchesReport {
        var updates: [PendingUpdateInfo] = []
        if let apt = await run("apt-get", ["-s", "-o", "Debug::NoLocking=1", "upgrade"]) {
            updates = apt.status == 0 ? Self.parseAptSimulation(apt.output) : []
        } else if let dnf = await run("dnf", ["-q", "--cacheonly", "check-update"]), dnf.status == 100 {
            let advisories = await run("dnf", ["-q", "--cacheonly", "updateinfo", "list", "--security"])
            updates = Self.parseDnfCheckUpdate(dnf.output, securityAdvisories: Self.parseDnfAdvisories(advisories?.output ?? ""))
        }
        let autoUpgrades = files.read("/etc/apt/apt.conf.d/20auto-upgrades").flatMap(Self.unattendedUpgrade)
        return PatchesReport(
            pendingUpdates: updates, rebootRequired: files.exists("/var/run/reboot-required"),
            autoUpdate: files.exists("/etc/apt/apt.conf.d") ? autoUpgrades ?? false : nil,
            lastCheck: modificationDate("/var/lib/apt/periodic/update-success-stamp") ?? modificationDate("/var/cache/apt/pkgcache.bin"))
    }

    /// A tool that is missing or cannot be started gives no updates rather than an error.
    private func run(_ tool: String, _ arguments: [String]) async -> CommandRunner.Result? {
        try? await runner.run(tool, arguments, timeout: .seconds(120))
    }

    private func modificationDate(_ path: String) -> Date? {
        files.status(path)?.modified
    }

    /// `apt-get -s upgrade` prints one line per package it would unpack:
    /// `Inst libssl3 [3.0.11-1~deb12u2] (3.0.13-1~deb12u1 Debian:12.5/stable, Debian-Security:12/stable-security [amd64])`.
    /// A package is a security update when one of its origins is a security archive.
    static func parseAptSimulation(_ output: String) -> [PendingUpdateInfo] {
        output.split(separator: "\n").compactMap { line in
            guard let (package, old, new, origins) = aptInstLine(line) else { return nil }
            let security = origins.contains("-security") || origins.contains("Debian-Security")
            return PendingUpdateInfo(
                title: old.map { "\(package) \($0) → \(new)" } ?? "\(package) → \(new)", kb: nil,
                category: security ? "Security" : "Other", size: nil, isImportant: security)
        }
    }

    /// `Inst <package> [<old>] (<new> <origins> [<arch>])…`, the old version optional; parsed by
    /// hand (a regex would load Swift's regex engine into the agent for this one line format).
    static func aptInstLine(_ line: Substring) -> (package: Substring, old: Substring?, new: Substring, origins: Substring)? {
        guard line.hasPrefix("Inst ") else { return nil }
        var rest = line.dropFirst(5)
        guard let space = rest.firstIndex(of: " "), space > rest.startIndex else { return nil }
        let package = rest[..<space]
        rest = rest[rest.index(after: space)...]
        var old: Substring?
        if rest.first == "[", let close = rest.firstIndex(of: "]"), rest[close...].hasPrefix("] ") {
            old = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(close, offsetBy: 2)...]
        }
        guard rest.first == "(" else { return nil }
        rest = rest.dropFirst()
        guard let versionEnd = rest.firstIndex(of: " "), versionEnd > rest.startIndex else { return nil }
        let new = rest[..<versionEnd]
        rest = rest[rest.index(after: versionEnd)...]
        // The origins run up to the first `[…])` (the architecture), less one space.
        var search = rest.startIndex
        while let open = rest[search...].firstIndex(of: "[") {
            let inside = rest.index(after: open)
            if let close = rest[inside...].firstIndex(of: "]"), rest[close...].hasPrefix("])") {
                let origins = rest[..<open]
                return (package, old, new, origins.hasSuffix(" ") ? origins.dropLast() : origins)
            }
            search = inside
        }
        return nil
    }

    /// `APT::Periodic::Unattended-Upgrade "1";` — a number of days, 0 turning it off. nil when the
    /// setting is absent.
    static func unattendedUpgrade(_ conf: String) -> Bool? {
        for line in conf.split(separator: "\n") {
            let key = "APT::Periodic::Unattended-Upgrade"
            let setting = line.drop { $0.isWhitespace }
            guard setting.hasPrefix(key), setting.dropFirst(key.count).first?.isWhitespace == true else { continue }
            let value = setting.dropFirst(key.count).drop { $0.isWhitespace }
            guard value.first == "\"", let end = value.dropFirst().firstIndex(of: "\"") else { continue }
            return (Int(value[value.index(after: value.startIndex)..<end]) ?? 0) > 0
        }
        return nil
    }

    /// `dnf -q check-update`: `openssl.x86_64   1:3.0.7-27.el9   baseos`, then possibly an
    /// `Obsoleting Packages` section, which repeats packages already listed. `securityAdvisories`
    /// maps a package name to its advisory (`RHSA-2024:3339`).
    static func parseDnfCheckUpdate(_ output: String, securityAdvisories: [String: String]) -> [PendingUpdateInfo] {
        var updates: [PendingUpdateInfo] = []
        for line in output.split(separator: "\n") {
            if line.hasPrefix("Obsoleting") { break }
            let fields = line.split(separator: " ")
            guard fields.count == 3, let dot = fields[0].lastIndex(of: ".") else { continue }
            let name = String(fields[0][..<dot])
            let advisory = securityAdvisories[name]
            updates.append(
                PendingUpdateInfo(
                    title: "\(name) → \(fields[1])", kb: advisory, category: advisory == nil ? "Other" : "Security", size: nil,
                    isImportant: advisory != nil))
        }
        return updates
    }

    /// `dnf -q updateinfo list --security`: `RHSA-2024:3339 Important/Sec. glibc-2.34-100.el9_4.2.x86_64`
    /// → `glibc` → `RHSA-2024:3339`.
    static func parseDnfAdvisories(_ output: String) -> [String: String] {
        var advisories: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3, let dot = fields[2].lastIndex(of: ".") else { continue }
            let parts = fields[2][..<dot].split(separator: "-")
            guard parts.count >= 3 else { continue }
            advisories[parts.dropLast(2).joined(separator: "-")] = String(fields[0])
        }
        return advisories
    }
}
