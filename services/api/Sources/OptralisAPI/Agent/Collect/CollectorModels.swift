import Foundation

// What each collector posts in `data` (spec "Collectors (8 types)", "Modèles de Données des
// Collectors"). JSON keys are snake_case, spelled out in CodingKeys (a key strategy would also
// rewrite the keys of free-form maps such as an event's metadata). Decoding rejects wrong
// types; ``CollectValidation`` then checks ranges. The same values, re-encoded, are the snapshot
// stored in `machine_collector_data`.

/// `metrics` (every 10 s): one sample, stored as a `metrics` row.
struct MetricsSample: Codable, Sendable {
    var cpuPercent: Double
    var ramPercent: Double
    var ramUsedBytes: Int64?
    var ramTotalBytes: Int64?
    var swapPercent: Double?
    var uptimeSeconds: Int64?
    /// °C; absent when the machine exposes no sensor (never 0 for "unknown").
    var cpuTemp: Double?
    var processCount: Int?
    var load1: Double?
    var load5: Double?
    var load15: Double?
    var diskReadBytesPerSec: Double?
    var diskWriteBytesPerSec: Double?
    var diskLatencyMs: Double?
    var ioWaitPercent: Double?

    enum CodingKeys: String, CodingKey {
        case cpuPercent = "cpu_percent", ramPercent = "ram_percent", ramUsedBytes = "ram_used_bytes",
            ramTotalBytes = "ram_total_bytes", swapPercent = "swap_percent", uptimeSeconds = "uptime_seconds",
            cpuTemp = "cpu_temp", processCount = "process_count", load1 = "load_1", load5 = "load_5", load15 = "load_15",
            diskReadBytesPerSec = "disk_read_bytes_per_sec", diskWriteBytesPerSec = "disk_write_bytes_per_sec",
            diskLatencyMs = "disk_latency_ms", ioWaitPercent = "io_wait_percent"
    }
}

/// `storage` (5 min): mounted filesystems, stored as `disk_info` rows and the snapshot.
struct StorageReport: Codable, Sendable {
    var disks: [DiskUsage]
}

struct DiskUsage: Codable, Sendable {
    var mountPoint: String
    var device: String?
    var fsType: String?
    var totalGb: Double
    var usedGb: Double
    var freeGb: Double?
    var usedPercent: Double
    var model: String?
    var interface: String?

    enum CodingKeys: String, CodingKey {
        case mountPoint = "mount_point", device, fsType = "fs_type", totalGb = "total_gb", usedGb = "used_gb", freeGb = "free_gb",
            usedPercent = "used_percent", model, interface
    }
}

/// `storage_health` (2 h): S.M.A.R.T. per disk, stored as `smart_data` rows and the snapshot.
struct SmartReport: Codable, Sendable {
    var disks: [SmartDiskInfo]
}

struct SmartDiskInfo: Codable, Sendable {
    var device: String
    var model: String?
    var serial: String?
    var firmware: String?
    /// healthy, warning, critical, virtual or unavailable.
    var smartStatus: String
    var isVirtual: Bool
    var overallHealthTest: String?
    var temperature: Int?
    var powerOnHours: Int64?
    var powerCycleCount: Int64?
    var reallocatedSectors: Int64?
    var currentPendingSectors: Int64?
    var offlineUncorrectable: Int64?
    var predictedFailure: Bool
    var attributes: [SmartAttribute]?

    static let statuses: Set<String> = ["healthy", "warning", "critical", "virtual", "unavailable"]

    enum CodingKeys: String, CodingKey {
        case device, model, serial, firmware, smartStatus = "smart_status", isVirtual = "is_virtual",
            overallHealthTest = "overall_health_test", temperature, powerOnHours = "power_on_hours",
            powerCycleCount = "power_cycle_count", reallocatedSectors = "reallocated_sectors",
            currentPendingSectors = "current_pending_sectors", offlineUncorrectable = "offline_uncorrectable",
            predictedFailure = "predicted_failure", attributes
    }
}

/// One row of the ATA attribute table (`smartctl --json`'s `ata_smart_attributes.table`).
struct SmartAttribute: Codable, Sendable {
    var id: Int
    var name: String
    var value: Int?
    var worst: Int?
    var thresh: Int?
    var raw: Int64?
    var whenFailed: String?

    enum CodingKeys: String, CodingKey {
        case id, name, value, worst, thresh, raw, whenFailed = "when_failed"
    }
}

/// `network` (30 s): interfaces for the snapshot and inventory; the machine-wide rates, latency
/// and loss as a `metrics` row.
struct NetworkReport: Codable, Sendable {
    var interfaces: [NetworkInterface]
    var latencyMs: Double?
    var packetLoss: Double?

    enum CodingKeys: String, CodingKey {
        case interfaces, latencyMs = "latency_ms", packetLoss = "packet_loss"
    }
}

struct NetworkInterface: Codable, Sendable {
    var name: String
    var mac: String?
    var ipv4: [String]?
    var ipv6: [String]?
    var state: String?
    var speedMbps: Int?
    var bytesRecvPerSec: Double?
    var bytesSentPerSec: Double?
    var packetsRecvPerSec: Double?
    var packetsSentPerSec: Double?
    var errorsIn: Int64?
    var errorsOut: Int64?
    var dropsIn: Int64?
    var dropsOut: Int64?

    enum CodingKeys: String, CodingKey {
        case name, mac, ipv4, ipv6, state, speedMbps = "speed_mbps", bytesRecvPerSec = "bytes_recv_per_sec",
            bytesSentPerSec = "bytes_sent_per_sec", packetsRecvPerSec = "packets_recv_per_sec",
            packetsSentPerSec = "packets_sent_per_sec", errorsIn = "errors_in", errorsOut = "errors_out", dropsIn = "drops_in",
            dropsOut = "drops_out"
    }
}

/// `services` (2 min): every service or systemd unit.
struct ServicesReport: Codable, Sendable {
    var services: [ServiceInfo]
}

struct ServiceInfo: Codable, Sendable {
    var name: String
    var displayName: String?
    /// running, stopped, failed, starting, stopping or unknown.
    var state: String
    var subState: String?
    var startType: String?

    enum CodingKeys: String, CodingKey {
        case name, displayName = "display_name", state, subState = "sub_state", startType = "start_type"
    }
}

/// `security` (15 min): antivirus, firewall, disk encryption, secure boot, listening ports.
struct SecurityReport: Codable, Sendable {
    var antivirus: AntivirusInfo?
    var firewallEnabled: Bool?
    var firewallBackend: String?
    var bitlockerEnabled: Bool?
    var secureBootEnabled: Bool?
    var ports: [ListeningPort]

    enum CodingKeys: String, CodingKey {
        case antivirus, firewallEnabled = "firewall_enabled", firewallBackend = "firewall_backend",
            bitlockerEnabled = "bitlocker_enabled", secureBootEnabled = "secure_boot_enabled", ports
    }
}

struct AntivirusInfo: Codable, Sendable {
    var name: String
    var version: String?
    var enabled: Bool
    var updated: Bool?
}

struct ListeningPort: Codable, Sendable {
    var port: Int
    /// tcp, tcp6, udp or udp6.
    var `protocol`: String
    var address: String?
    var process: String?
    var risky: Bool
    var riskReason: String?

    enum CodingKeys: String, CodingKey {
        case port, `protocol`, address, process, risky, riskReason = "risk_reason"
    }
}

/// `software` (4 h): installed packages and local accounts.
struct SoftwareReport: Codable, Sendable {
    var software: [SoftwareItem]
    var users: [UserInfoData]
}

struct SoftwareItem: Codable, Sendable {
    var name: String
    var version: String?
    var publisher: String?
    var installedAt: String?

    enum CodingKeys: String, CodingKey {
        case name, version, publisher, installedAt = "installed_at"
    }
}

/// The spec's UserInfoData.
struct UserInfoData: Codable, Sendable {
    var username: String
    var fullName: String?
    var isAdmin: Bool
    var enabled: Bool
    var lastLogon: String?
    var groups: [String]?

    enum CodingKeys: String, CodingKey {
        case username, fullName = "full_name", isAdmin = "is_admin", enabled, lastLogon = "last_logon", groups
    }
}

/// `patches` (6 h): pending updates from the package manager's cached state.
struct PatchesReport: Codable, Sendable {
    var pendingUpdates: [PendingUpdateInfo]
    var rebootRequired: Bool
    var autoUpdate: Bool?
    var lastCheck: Date?

    enum CodingKeys: String, CodingKey {
        case pendingUpdates = "pending_updates", rebootRequired = "reboot_required", autoUpdate = "auto_update",
            lastCheck = "last_check"
    }
}

/// The spec's PendingUpdateInfo.
struct PendingUpdateInfo: Codable, Sendable {
    var title: String
    var kb: String?
    /// Security, Critical, Definition or Other.
    var category: String
    var size: String?
    var isImportant: Bool

    var isSecurity: Bool { isImportant || category == "Security" || category == "Critical" }

    enum CodingKeys: String, CodingKey {
        case title, kb, category, size, isImportant = "is_important"
    }
}

/// `events`: errors and warnings from the system journal or Windows event logs since the last post.
/// Not one of the eight configurable collectors: the agent sends them at its own pace.
struct EventsReport: Codable, Sendable {
    var events: [EventRecord]
}

struct EventRecord: Codable, Sendable {
    var time: Date
    var logName: String?
    var source: String?
    var eventId: Int?
    /// critical, error, warning or info.
    var level: String
    var message: String
    var metadata: [String: String]?

    static let levels: Set<String> = ["critical", "error", "warning", "info"]

    enum CodingKeys: String, CodingKey {
        case time, logName = "log_name", source, eventId = "event_id", level, message, metadata
    }
}
