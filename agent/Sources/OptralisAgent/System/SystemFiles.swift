#if canImport(Glibc)
import Glibc
#endif
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
        bytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    public func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: root + path) }

    public func list(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + directory)) ?? []).sorted()
    }

    /// The file's size and modification time, from `stat`; nil when it does not exist. Not from
    /// `FileManager.attributesOfItem`: without full Foundation its values do not cast to `Int`
    /// (every spool read as empty, so its cap was never enforced) and the agent must not depend on
    /// which Foundation a process loaded.
    public func status(_ path: String) -> (size: Int, modified: Date)? {
        var information = stat()
        guard stat(root + path, &information) == 0 else { return nil }
        let modified = Date(
            timeIntervalSince1970: Double(information.st_mtim.tv_sec) + Double(information.st_mtim.tv_nsec) / 1_000_000_000)
        return (Int(information.st_size), modified)
    }

    /// The file's bytes (binary sysfs attributes such as EFI variables), or nil when it does not
    /// exist or cannot be read.
    ///
    /// Read until end of file: procfs reports a size of 0 and hands its text out one page per
    /// `read`, so a reader that trusts `stat` or stops after the first read (Foundation's
    /// `String(contentsOfFile:)` does) gets the first 4 KB of /proc/self/mountinfo or /proc/net/tcp.
    public func bytes(_ path: String) -> [UInt8]? {
        var contents: [UInt8] = []
        return readChunks(path) { contents.append(contentsOf: $0) } ? contents : nil
    }

    /// Calls `body` with the bytes of each line of the file (without its newline), holding one
    /// read's worth of the file at a time: for /proc/self/smaps, whose size grows with the number
    /// of mappings, read where the agent's memory is being measured. False when it cannot be read.
    public func forEachLine(_ path: String, _ body: (ArraySlice<UInt8>) -> Void) -> Bool {
        var pending: [UInt8] = []
        let read = readChunks(path) { chunk in
            pending.append(contentsOf: chunk)
            var lineStart = pending.startIndex
            while let newline = pending[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
                body(pending[lineStart..<newline])
                lineStart = newline + 1
            }
            pending.removeSubrange(..<lineStart)
        }
        if read, !pending.isEmpty { body(pending[...]) }
        return read
    }

    private func readChunks(_ path: String, _ body: (ArraySlice<UInt8>) -> Void) -> Bool {
        let descriptor = open(root + path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return true }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            body(chunk[..<count])
        }
    }
}
