#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// `network`: per interface (loopback skipped) the byte, packet, error and drop counters of
/// `/proc/net/dev` turned into rates against the previous sample, MAC, state and speed from
/// sysfs, addresses from getifaddrs; and the latency and loss of TCP connections to the gateway
/// (three connects: an agent has no raw sockets for ICMP).
public actor NetworkCollector: Collector {
    public static let kind = "network"
    let files: SystemFiles
    /// host and port of the gateway, probed for latency and loss; nil skips the probe.
    let probe: (host: String, port: Int)?
    private var previous: (counters: [String: Counters], at: ContinuousClock.Instant)?

    public init(files: SystemFiles = SystemFiles(), probe: (host: String, port: Int)? = nil) {
        self.files = files
        self.probe = probe
    }

    public func collect() async throws -> NetworkReport {
        let counters = Self.counters(files.read("/proc/net/dev") ?? "")
        let now = ContinuousClock.now
        let last = previous
        previous = (counters, now)
        let seconds = last.map { max((now - $0.at).seconds, 0.001) }
        let addresses = Self.addresses()
        let interfaces = counters.keys.sorted().filter { $0 != "lo" }.map { name -> NetworkInterface in
            let current = counters[name]!
            let before = last?.counters[name]
            func rate(_ value: KeyPath<Counters, UInt64>) -> Double? {
                guard let before, let seconds else { return nil }
                return Double(current[keyPath: value] &- before[keyPath: value]) / seconds
            }
            let base = "/sys/class/net/\(name)"
            let speed = files.read("\(base)/speed").flatMap { Int($0.trimmed()) }
            return NetworkInterface(
                name: name, mac: files.read("\(base)/address")?.trimmed(),
                ipv4: addresses[name]?.v4, ipv6: addresses[name]?.v6, state: files.read("\(base)/operstate")?.trimmed(),
                speedMbps: speed.flatMap { $0 > 0 ? $0 : nil }, bytesRecvPerSec: rate(\.bytesReceived), bytesSentPerSec: rate(\.bytesSent),
                packetsRecvPerSec: rate(\.packetsReceived), packetsSentPerSec: rate(\.packetsSent), errorsIn: Int64(current.errorsIn),
                errorsOut: Int64(current.errorsOut), dropsIn: Int64(current.dropsIn), dropsOut: Int64(current.dropsOut))
        }
        var latency: Double?, loss: Double?
        if let probe {
            let results = await (0..<3).asyncMap { _ in await Self.connectTime(host: probe.host, port: probe.port, timeout: 1) }
            let times = results.compactMap { $0 }.sorted()
            latency = times.isEmpty ? nil : times[times.count / 2]
            loss = Double(results.count - times.count) / Double(results.count) * 100
        }
        return NetworkReport(interfaces: interfaces, latencyMs: latency, packetLoss: loss)
    }

    struct Counters: Equatable {
        var bytesReceived: UInt64 = 0, packetsReceived: UInt64 = 0, errorsIn: UInt64 = 0, dropsIn: UInt64 = 0
        var bytesSent: UInt64 = 0, packetsSent: UInt64 = 0, errorsOut: UInt64 = 0, dropsOut: UInt64 = 0
    }

    /// `/proc/net/dev`: `  eth0: 1234 56 0 0 0 0 0 0 7890 12 0 0 0 0 0 0` (receive then transmit).
    static func counters(_ dev: String) -> [String: Counters] {
        var result: [String: Counters] = [:]
        for line in dev.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let values = parts[1].split(separator: " ").compactMap { UInt64($0) }
            guard values.count >= 16 else { continue }
            result[parts[0].trimmed()] = Counters(
                bytesReceived: values[0], packetsReceived: values[1], errorsIn: values[2], dropsIn: values[3],
                bytesSent: values[8], packetsSent: values[9], errorsOut: values[10], dropsOut: values[11])
        }
        return result
    }

    /// IPv4 and IPv6 addresses per interface (getifaddrs).
    static func addresses() -> [String: (v4: [String], v6: [String])] {
        var result: [String: (v4: [String], v6: [String])] = [:]
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return result }
        defer { freeifaddrs(list) }
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            guard let address = entry.pointee.ifa_addr else { continue }
            let name = String(cString: entry.pointee.ifa_name)
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            let length = socklen_t(family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
            guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            let text = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if family == AF_INET { result[name, default: ([], [])].v4.append(text) } else { result[name, default: ([], [])].v6.append(text) }
        }
        return result
    }

    /// Milliseconds to open a TCP connection, or nil when it fails within `timeout` seconds.
    static func connectTime(host: String, port: Int, timeout: Double) async -> Double? {
        await Task.detached {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var found: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &found) == 0, let info = found else { return nil }
            defer { freeaddrinfo(found) }
            let socket = Glibc.socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { return nil }
            defer { close(socket) }
            _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
            let start = ContinuousClock.now
            if connect(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 && errno != EINPROGRESS { return nil }
            var poller = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
            guard poll(&poller, 1, Int32(timeout * 1000)) == 1 else { return nil }
            var error: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &size) == 0, error == 0 else { return nil }
            return (ContinuousClock.now - start).seconds * 1000
        }.value
    }
}

extension Sequence where Element: Sendable {
    /// One after the other (probes must not overlap).
    func asyncMap<T>(_ transform: (Element) async -> T) async -> [T] {
        var results: [T] = []
        for element in self { results.append(await transform(element)) }
        return results
    }
}
