#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads the kernel's and the distribution's files (procfs, sysfs, /etc, /var/lib) under a root
/// that tests point at a directory of captured files.
public struct SystemFiles: Sendable {
    public let root: String

    public init(root: String = "") {
        self.root = root
    }

    public func path(_ path: String) -> String { root + path }

    /// The file's text, or nil when it does not exist or cannot be read.
    public func read(_ path: String) -> String? {
        try? String(contentsOfFile: root + path, encoding: .utf8)
    }

    public func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: root + path) }

    public func list(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + directory)) ?? []).sorted()
    }

    /// The file's bytes (binary sysfs attributes such as EFI variables).
    public func bytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: root + path).map(Array.init)
    }
}
