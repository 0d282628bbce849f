#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// `storage`: the mounted local filesystems from `/proc/self/mountinfo` (pseudo and network
/// filesystems skipped: a hung NFS server must not hang the agent; a device mounted twice counted
/// once, at its shortest mount point), sizes from statvfs as `df` computes them, and the disk's
/// model and interface from sysfs.
public struct StorageCollector: Collector {
    public static let kind = "storage"
    let files: SystemFiles

    public init(files: SystemFiles = SystemFiles()) {
        self.files = files
    }

    public func collect() async throws -> StorageReport {
        let disks = Self.mounts(files.read("/proc/self/mountinfo") ?? "").compactMap { mount -> DiskUsage? in
            guard let size = Self.size(of: files.path(mount.point)) else { return nil }
            let disk = Self.parentDisk(of: mount.device, files: files)
            return DiskUsage(
                mountPoint: mount.point, device: mount.device, fsType: mount.type, totalGb: Self.gigabytes(size.total),
                usedGb: Self.gigabytes(size.used), freeGb: Self.gigabytes(size.available), usedPercent: size.percent,
                model: disk.flatMap { Self.model(of: $0, files: files) }, interface: disk.map { Self.interface(of: $0, files: files) })
        }
        return StorageReport(disks: disks)
    }

    struct Mount: Equatable {
        let point: String
        let device: String
        let type: String
    }

    static let localTypes: Set<String> = ["ext2", "ext3", "ext4", "xfs", "btrfs", "zfs", "vfat", "exfat", "ntfs", "ntfs3", "f2fs", "jfs", "reiserfs"]

    /// mountinfo: `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`.
    static func mounts(_ mountinfo: String) -> [Mount] {
        var byDevice: [String: Mount] = [:]
        for line in mountinfo.split(separator: "\n") {
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2 else { continue }
            let left = halves[0].split(separator: " "), right = halves[1].split(separator: " ")
            guard left.count >= 5, right.count >= 2, localTypes.contains(String(right[0])) else { continue }
            let mount = Mount(point: unescape(String(left[4])), device: String(right[1]), type: String(right[0]))
            if let known = byDevice[mount.device], known.point.count <= mount.point.count { continue }
            byDevice[mount.device] = mount
        }
        return byDevice.values.sorted { $0.point < $1.point }
    }

    /// mountinfo escapes space, tab, newline and backslash as octal (`\040`).
    static func unescape(_ field: String) -> String {
        let bytes = Array(field.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let octal =
                bytes.count - index >= 4 && bytes[index] == UInt8(ascii: "\\")
                && bytes[index + 1...index + 3].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "7")).contains($0) }
            if octal {
                let value = bytes[index + 1...index + 3].reduce(0) { $0 * 8 + Int($1 - UInt8(ascii: "0")) }
                output.append(value < 256 ? UInt8(value) : UInt8(ascii: "?"))
                index += 4
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// (total, used, available to users, used %) as `df` reports them.
    static func size(of path: String) -> (total: Double, used: Double, available: Double, percent: Double)? {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        let unit = Double(stats.f_frsize)
        let total = Double(stats.f_blocks) * unit, free = Double(stats.f_bfree) * unit, available = Double(stats.f_bavail) * unit
        let used = total - free
        guard total > 0 else { return nil }
        return (total, used, available, used + available > 0 ? (used / (used + available) * 100 * 100).rounded() / 100 : 0)
    }

    static func gigabytes(_ bytes: Double) -> Double { (bytes / 1_073_741_824 * 100).rounded() / 100 }

    /// The whole disk under a partition, LVM volume or plain disk device (`/dev/sda1` → `sda`,
    /// `/dev/mapper/vg-root` → the disk under its first slave).
    static func parentDisk(of device: String, files: SystemFiles) -> String? {
        guard device.hasPrefix("/dev/") else { return nil }
        var name =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: files.path(device))).map(\.lastPathComponent)
            ?? device.lastPathComponent
        for _ in 0..<4 {
            if name.hasPrefix("dm-"), let slave = files.list("/sys/class/block/\(name)/slaves").first {
                name = slave
                continue
            }
            break
        }
        if files.exists("/sys/block/\(name)") { return name }
        let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: files.path("/sys/class/block/\(name)"))) ?? ""
        let parts = link.split(separator: "/")
        return parts.count >= 2 ? String(parts[parts.count - 2]) : nil
    }

    static func model(of disk: String, files: SystemFiles) -> String? {
        let model = (files.read("/sys/block/\(disk)/device/model") ?? files.read("/sys/block/\(disk)/device/name"))?
            .trimmed()
        return model?.isEmpty == false ? model : nil
    }

    static func interface(of disk: String, files: SystemFiles) -> String {
        if disk.hasPrefix("nvme") { return "NVMe" }
        if disk.hasPrefix("vd") { return "VirtIO" }
        if disk.hasPrefix("mmcblk") { return "MMC" }
        if disk.hasPrefix("xvd") { return "Xen" }
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: files.path("/sys/block/\(disk)"))) ?? ""
        if path.contains("/usb") { return "USB" }
        if path.contains("/ata") { return "SATA" }
        if path.contains("virtio") { return "VirtIO" }
        return "SCSI"
    }
}
