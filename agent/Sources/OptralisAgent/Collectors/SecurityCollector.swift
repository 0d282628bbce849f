#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// `security`: listening sockets from `/proc/net/{tcp,tcp6,udp,udp6}` with their process (best
/// effort: only the `/proc/<pid>/fd` the agent may read) and a risk flag for well-known services
/// reachable from the network; the firewall (ufw, firewalld, nftables, iptables), Secure Boot
/// from the EFI variable, and ClamAV when its daemon runs. Linux has no BitLocker: always nil.
public struct SecurityCollector: Collector {
    public static let kind = "security"
    let files: SystemFiles
    let runner: CommandRunner

    public init(files: SystemFiles = SystemFiles(), runner: CommandRunner = CommandRunner()) {
        self.files = files
        self.runner = runner
    }

    public func collect() async throws -> SecurityReport {
        async let firewalld = run("systemctl", ["is-active", "firewalld"])
        async let clamav = run("systemctl", ["is-active", "clamav-daemon"])
        async let nft = run("nft", ["list", "ruleset"])
        async let iptables = run("iptables", ["-S"])

        let sockets = ["tcp", "tcp6", "udp", "udp6"].flatMap { table in
            Self.parseSockets(files.read("/proc/net/\(table)") ?? "", protocol: table)
        }
        let owners = Self.socketOwners(files: files, inodes: Set(sockets.map(\.inode)))
        let firewall = Self.firewall(
            ufw: files.read("/etc/ufw/ufw.conf").flatMap(Self.ufwEnabled),
            firewalld: Self.isActive(await firewalld),
            nftables: await nft.flatMap { $0.status == 0 ? Self.nftablesFilters($0.output) : nil },
            iptables: await iptables.flatMap { $0.status == 0 ? Self.iptablesFilters($0.output) : nil })
        var antivirus: AntivirusInfo?
        if Self.isActive(await clamav) == true {
            let version = await run("clamd", ["--version"]).map { Self.clamVersion($0.output, now: Date()) }
            antivirus = AntivirusInfo(name: "ClamAV", version: version?.version, enabled: true, updated: version?.updated)
        }
        return SecurityReport(
            antivirus: antivirus, firewallEnabled: firewall.enabled, firewallBackend: firewall.backend, bitlockerEnabled: nil,
            secureBootEnabled: Self.secureBoot(
                efiPresent: files.exists("/sys/firmware/efi"),
                variable: files.bytes("/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c")),
            ports: Self.listeningPorts(sockets, owners: owners))
    }

    /// A tool that is missing or cannot be started leaves its part of the report unknown.
    private func run(_ tool: String, _ arguments: [String]) async -> CommandRunner.Result? {
        try? await runner.run(tool, arguments, timeout: .seconds(10))
    }

    // MARK: Sockets

    /// A listening socket from a `/proc/net` table; the inode ties it to its process.
    struct Socket: Equatable {
        let `protocol`: String
        let address: String
        let port: Int
        let inode: UInt64
    }

    /// A `/proc/net/{tcp,udp}[6]` table: `sl local rem st tx:rx tr:when retrnsmt uid timeout inode …`.
    /// TCP sockets in LISTEN (0A); UDP sockets unconnected (07) and bound to a port.
    static func parseSockets(_ table: String, protocol proto: String) -> [Socket] {
        let wanted = proto.hasPrefix("tcp") ? "0A" : "07"
        return table.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 10, fields[3] == wanted else { return nil }
            let local = fields[1].split(separator: ":")
            guard local.count == 2, let port = Int(local[1], radix: 16), port > 0, let address = decodeAddress(local[0]),
                let inode = UInt64(fields[9])
            else { return nil }
            return Socket(protocol: proto, address: address, port: port, inode: inode)
        }
    }

    /// The kernel prints an address as 32-bit words in host byte order (`0100007F` is 127.0.0.1
    /// on x86): one word for IPv4, four for IPv6.
    static func decodeAddress(_ hex: Substring) -> String? {
        guard hex.count == 8 || hex.count == 32 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 8)
            guard let word = UInt32(hex[index..<next], radix: 16) else { return nil }
            withUnsafeBytes(of: word) { bytes.append(contentsOf: $0) }
            index = next
        }
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, bytes, &text, socklen_t(text.count)) != nil else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }

    /// Services that should not be reachable from the network, with why.
    static let riskyPorts: [Int: String] = [
        21: "FTP sends credentials in clear text",
        23: "Telnet sends credentials in clear text",
        25: "SMTP exposed: open relay risk",
        110: "POP3 sends mail and credentials in clear text",
        143: "IMAP sends mail and credentials in clear text",
        135: "Microsoft RPC exposed",
        139: "NetBIOS/SMB exposed",
        445: "SMB exposed",
        1433: "Microsoft SQL Server exposed",
        1521: "Oracle database exposed",
        3306: "MySQL exposed",
        3389: "Remote Desktop (RDP) exposed",
        5432: "PostgreSQL exposed",
        5900: "VNC exposed",
        6379: "Redis exposed (often without authentication)",
        9200: "Elasticsearch exposed (often without authentication)",
        11211: "Memcached exposed (no authentication, amplification attacks)",
        27017: "MongoDB exposed",
    ]

    /// A risky service counts only when bound beyond loopback (the wildcard, a LAN or a public
    /// address).
    static func risk(port: Int, address: String) -> String? {
        isLoopback(address) ? nil : riskyPorts[port]
    }

    /// One entry per (port, protocol, address), sorted; the owner of any of the sockets behind it.
    static func listeningPorts(_ sockets: [Socket], owners: [UInt64: String]) -> [ListeningPort] {
        var seen: [String: ListeningPort] = [:]
        for socket in sockets {
            let key = "\(socket.port)/\(socket.protocol)/\(socket.address)"
            if let known = seen[key], known.process != nil { continue }
            let reason = risk(port: socket.port, address: socket.address)
            seen[key] = ListeningPort(
                port: socket.port, protocol: socket.protocol, address: socket.address, process: owners[socket.inode],
                risky: reason != nil, riskReason: reason)
        }
        return seen.values.sorted { ($0.port, $0.protocol, $0.address ?? "") < ($1.port, $1.protocol, $1.address ?? "") }
    }

    /// Socket inode → command name, from the `socket:[inode]` links in `/proc/<pid>/fd`. Without
    /// root only the agent's own processes are readable; the others are skipped.
    static func socketOwners(files: SystemFiles, inodes: Set<UInt64>) -> [UInt64: String] {
        var owners: [UInt64: String] = [:]
        for pid in files.list("/proc") where Int(pid) != nil {
            let directory = "/proc/\(pid)/fd"
            var command: String?
            for fd in files.list(directory) {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: files.path("\(directory)/\(fd)")),
                    let inode = socketInode(target), inodes.contains(inode), owners[inode] == nil
                else { continue }
                if command == nil { command = files.read("/proc/\(pid)/comm")?.trimmed() }
                if let command, !command.isEmpty { owners[inode] = command }
            }
            if owners.count == inodes.count { break }
        }
        return owners
    }

    /// `socket:[31337]` → 31337.
    static func socketInode(_ link: String) -> UInt64? {
        guard link.hasPrefix("socket:["), link.hasSuffix("]") else { return nil }
        return UInt64(link.dropFirst(8).dropLast())
    }

    // MARK: Firewall

    /// `ENABLED=yes|no` in `/etc/ufw/ufw.conf`; nil when the line is missing.
    static func ufwEnabled(_ conf: String) -> Bool? {
        for line in conf.split(separator: "\n") where line.hasPrefix("ENABLED=") {
            return line.dropFirst(8).trimmed(["\"", "'", " ", "\t"]).lowercased() == "yes"
        }
        return nil
    }

    /// `systemctl is-active <unit>`: nil when systemctl is missing or systemd is not running (no
    /// state printed).
    static func isActive(_ result: CommandRunner.Result?) -> Bool? {
        guard let state = result?.output.trimmed(), !state.isEmpty else { return nil }
        return state == "active"
    }

    /// Whether `nft list ruleset` filters incoming traffic: a base chain on the `input` hook that
    /// holds a rule or drops by default. Chains that only forward or translate (Docker's) and
    /// Debian's default empty accept-all chains do not count.
    static func nftablesFilters(_ ruleset: String) -> Bool {
        var depth = 0
        var chain: (depth: Int, input: Bool, drops: Bool, rules: Int)?
        for raw in ruleset.split(separator: "\n") {
            let line = raw.trimmed()
            if chain == nil, line.hasPrefix("chain ") {
                chain = (depth + 1, false, false, 0)
            } else if var current = chain, depth == current.depth, !line.isEmpty, line != "}" {
                if line.hasPrefix("type ") {
                    current.input = line.contains("hook input ")
                    current.drops = line.contains("policy drop")
                } else {
                    current.rules += 1
                }
                chain = current
            }
            depth += line.count(where: { $0 == "{" }) - line.count(where: { $0 == "}" })
            if let current = chain, depth < current.depth {
                if current.input && (current.drops || current.rules > 0) { return true }
                chain = nil
            }
        }
        return false
    }

    /// Whether `iptables -S` filters incoming traffic: an `INPUT` rule or a policy other than
    /// ACCEPT. Docker's FORWARD and NAT chains do not count.
    static func iptablesFilters(_ rules: String) -> Bool {
        rules.split(separator: "\n").contains { line in
            line.hasPrefix("-A INPUT ") || (line.hasPrefix("-P INPUT ") && !line.hasSuffix(" ACCEPT"))
        }
    }

    /// Enabled when any backend filters (named after the first of ufw, firewalld, nftables,
    /// iptables that does). Disabled only when the ruleset itself could be read (nft or iptables,
    /// which need root) and filters nothing: ufw being off or firewalld inactive does not exclude
    /// hand-written rules. nil when nothing could be read.
    static func firewall(ufw: Bool?, firewalld: Bool?, nftables: Bool?, iptables: Bool?) -> (enabled: Bool?, backend: String?) {
        let backends = [("ufw", ufw), ("firewalld", firewalld), ("nftables", nftables), ("iptables", iptables)]
        if let active = backends.first(where: { $0.1 == true }) { return (true, active.0) }
        if nftables != nil || iptables != nil { return (false, nil) }
        return (nil, nil)
    }

    // MARK: Secure Boot and antivirus

    /// The `SecureBoot` EFI variable: 4 attribute bytes, then 1 when enabled. No EFI (BIOS boot):
    /// nil; EFI without the variable: firmware without Secure Boot, false.
    static func secureBoot(efiPresent: Bool, variable: [UInt8]?) -> Bool? {
        guard efiPresent else { return nil }
        guard let variable, variable.count >= 5 else { return false }
        return variable[4] == 1
    }

    /// `clamd --version`: `ClamAV 1.0.7/27450/Tue Oct 29 08:36:24 2024` (engine, signature
    /// database, its date). Updated when the signatures are at most 3 days old.
    static func clamVersion(_ text: String, now: Date) -> (version: String?, updated: Bool?) {
        let line = text.trimmed()
        guard line.hasPrefix("ClamAV ") else { return (nil, nil) }
        let parts = line.dropFirst(7).split(separator: "/", maxSplits: 2)
        guard let version = parts.first.map(String.init) else { return (nil, nil) }
        guard parts.count == 3 else { return (version, nil) }
        return (version, clamDate(String(parts[2])).map { now.timeIntervalSince($0) <= 3 * 86_400 })
    }

    /// `Tue Oct 29 08:36:24 2024` (C locale, UTC), as `clamd` prints it.
    static func clamDate(_ text: String) -> Date? {
        let fields = text.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard fields.count == 5, let month = months.firstIndex(of: String(fields[1])), let day = Int32(fields[2]), let year = Int32(fields[4])
        else { return nil }
        let clock = fields[3].split(separator: ":").compactMap { Int32($0) }
        guard clock.count == 3 else { return nil }
        var time = tm()
        time.tm_year = year - 1900
        time.tm_mon = Int32(month)
        time.tm_mday = day
        time.tm_hour = clock[0]
        time.tm_min = clock[1]
        time.tm_sec = clock[2]
        let seconds = timegm(&time)
        return seconds == -1 ? nil : Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
