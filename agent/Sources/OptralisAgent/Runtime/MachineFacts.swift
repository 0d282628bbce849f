#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// What the agent tells the server about its machine at enrolment and in heartbeats.
public struct MachineFacts: Sendable, Equatable {
    public var hostname: String
    /// `/etc/machine-id` (stable across reinstalls of the agent, not across OS reinstalls).
    public var hardwareID: String?
    public var os: String
    public var osVersion: String?
    public var architecture: String

    public static func current(files: SystemFiles = SystemFiles()) -> MachineFacts {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count)
        let hostname = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var system = utsname()
        uname(&system)
        let machine = withUnsafeBytes(of: &system.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return MachineFacts(
            hostname: hostname.split(separator: ".").first.map(String.init) ?? hostname,
            hardwareID: files.read("/etc/machine-id")?.trimmed(),
            os: "linux", osVersion: osRelease(files.read("/etc/os-release") ?? ""), architecture: architecture(machine))
    }

    /// `PRETTY_NAME` of os-release, unquoted.
    static func osRelease(_ text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            return String(line.dropFirst("PRETTY_NAME=".count)).trimmed(["\"", "'"])
        }
        return nil
    }

    static func architecture(_ machine: String) -> String {
        switch machine {
        case "aarch64", "arm64": "arm64"
        default: "amd64"
        }
    }
}
