#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// The SSRF guard for URLs users configure (webhooks): in production a target must be https and
/// resolve only to public addresses — not loopback, private (RFC 1918, fc00::/7), link-local,
/// CGNAT, multicast or unspecified. The resolved address is then pinned for the request
/// (`OutboundRequest.pinnedAddress`), so a DNS answer that changes between the check and the
/// connection (rebinding) cannot redirect it.
public enum OutboundTarget {
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Checks `url` and returns the address to pin (nil when private targets are allowed).
    public static func check(_ url: String, allowPrivate: Bool) throws(Refusal) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { throw Refusal(reason: "not a valid URL") }
        guard scheme == "https" || (allowPrivate && scheme == "http") else {
            throw Refusal(reason: allowPrivate ? "the URL must use http or https" : "the URL must use https")
        }
        if allowPrivate { return nil }
        let addresses = resolve(host.trimmed(["[", "]"]))
        guard !addresses.isEmpty else { throw Refusal(reason: "the host \(host) does not resolve") }
        if let blocked = addresses.first(where: isPrivate) {
            throw Refusal(reason: "the host \(host) resolves to a non-public address (\(blocked))")
        }
        return addresses[0]
    }

    /// Every IPv4/IPv6 address of a host name (or the literal itself).
    public static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let address = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(address) { addresses.append(address) }
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }

    public static func isPrivate(_ address: String) -> Bool {
        if let v4 = ipv4(address) { return isPrivateV4(v4) }
        let lower = address.lowercased()
        if lower == "::1" || lower == "::" { return true }
        if lower.hasPrefix("::ffff:"), let mapped = ipv4(String(lower.dropFirst(7))) { return isPrivateV4(mapped) }
        guard let first = lower.split(separator: ":").first, let word = UInt16(first, radix: 16) else { return true }
        return (word & 0xFE00) == 0xFC00 // fc00::/7 unique local
            || (word & 0xFFC0) == 0xFE80 // fe80::/10 link-local
            || (word & 0xFF00) == 0xFF00 // ff00::/8 multicast
    }

    private static func ipv4(_ address: String) -> [UInt8]? {
        let parts = address.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }

    private static func isPrivateV4(_ b: [UInt8]) -> Bool {
        b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224
            || (b[0] == 169 && b[1] == 254) || (b[0] == 172 && (16...31).contains(b[1])) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 100 && (64...127).contains(b[1])) // CGNAT
            || (b[0] == 192 && b[1] == 0 && b[2] == 0) || (b[0] == 198 && (18...19).contains(b[1]))
    }
}
