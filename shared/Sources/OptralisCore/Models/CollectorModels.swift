#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// What each collector posts in `data` — shared by the agent, which builds them, and the api,
// which validates and stores them (spec "Collectors (8 types)", "Modèles de Données des
// Collectors"). JSON keys are snake_case, spelled out in CodingKeys (a key strategy would also
// rewrite the keys of free-form maps such as an event's metadata). Decoding rejects wrong
// types; the api's `CollectValidation` then checks ranges. The same values, re-encoded, are the snapshot
// stored in `machine_collector_data`.

/// `metrics` (every 10 s): one sample, stored as a `metrics` row.
public struct MetricsSample: Codable, Sendable {
    public var cpuPercent: Double
    public var ramPercent: Double
    public var ramUsedBytes: Int64?
    public var ramTotalBytes: Int64?
    public var swapPercent: Double?
    public var uptimeSeconds: Int64?
    /// °C; absent when the machine exposes no sensor (never 0 for "unknown").
    public var cpuTemp: Double?
    public var processCount: Int?
    public var load1: Double?
    public var load5: Double?
    public var load15: Double?
    public var diskReadBytesPerSec: Double?
    public var diskWriteBytesPerSec: Double?
    public var diskLatencyMs: Double?
    public var ioWaitPercent: Double?

    enum CodingKeys: String, CodingKey {
        case cpuPercent = "cpu_percent", ramPercent = "ram_percent", ramUsedBytes = "ram_used_bytes",
            ramTotalBytes = "ram_total_bytes", swapPercent = "swap_percent", uptimeSeconds = "uptime_seconds",
            cpuTemp = "cpu_temp", processCount = "process_count", load1 = "load_1", load5 = "load_5", load15 = "load_15",
            diskReadBytesPerSec = "disk_read_bytes_per_sec", diskWriteBytesPerSec = "disk_write_bytes_per_sec",
            diskLatencyMs = "disk_latency_ms", ioWaitPercent = "io_wait_percent"
    }

    public init(
        cpuPercent: Double, ramPercent: Double, ramUsedBytes: Int64? = nil, ramTotalBytes: Int64? = nil,
        swapPercent: Double? = nil, uptimeSeconds: Int64? = nil, cpuTemp: Double? = nil, processCount: Int? = nil,
        load1: Double? = nil, load5: Double? = nil, load15: Double? = nil, diskReadBytesPerSec: Double? = nil,
        diskWriteBytesPerSec: Double? = nil, diskLatencyMs: Double? = nil, ioWaitPercent: Double? = nil
    ) {
        self.cpuPercent = cpuPercent
        self.ramPercent = ramPercent
        self.ramUsedBytes = ramUsedBytes
        self.ramTotalBytes = ramTotalBytes
        self.swapPercent = swapPercent
        self.uptimeSeconds = uptimeSeconds
        self.cpuTemp = cpuTemp
        self.processCount = processCount
        self.load1 = load1
        self.load5 = load5
        self.load15 = load15
        self.diskReadBytesPerSec = diskReadBytesPerSec
        self.diskWriteBytesPerSec = diskWriteBytesPerSec
        self.diskLatencyMs = diskLatencyMs
        self.ioWaitPercent = ioWaitPercent
    }
}

/// `storage` (5 min): mounted filesystems, stored as `disk_info` rows and the snapshot.
public struct StorageReport: Codable, Sendable {
    public var disks: [DiskUsage]

    public init(
        disks: [DiskUsage]
    ) {
        self.disks = disks
    }
}

public struct DiskUsage: Codable, Sendable {
    public var mountPoint: String
    public var device: String?
    public var fsType: String?
    public var totalGb: Double
    public var usedGb: Double
    public var freeGb: Double?
    public var usedPercent: Double
    public var model: String?
    public var interface: String?

    enum CodingKeys: String, CodingKey {
        case mountPoint = "mount_point", device, fsType = "fs_type", totalGb = "total_gb", usedGb = "used_gb", freeGb = "free_gb",
            usedPercent = "used_percent", model, interface
    }

    public init(
        mountPoint: String, device: String? = nil, fsType: String? = nil, totalGb: Double, usedGb: Double, freeGb: Double? = nil,
        usedPercent: Double, model: String? = nil, interface: String? = nil
    ) {
        self.mountPoint = mountPoint
        self.device = device
        self.fsType = fsType
        self.totalGb = totalGb
        self.usedGb = usedGb
        self.freeGb = freeGb
        self.usedPercent = usedPercent
        self.model = model
        self.interface = interface
    }
}

/// `storage_health` (2 h): S.M.A.R.T. per disk, stored as `smart_data` rows and the snapshot.
public struct SmartReport: Codable, Sendable {
    public var disks: [SmartDiskInfo]

    public init(
        disks: [SmartDiskInfo]
    ) {
        self.disks = disks
    }
}

public struct SmartDiskInfo: Codable, Sendable {
    public var device: String
    public var model: String?
    public var serial: String?
    public var firmware: String?
    /// healthy, warning, critical, virtual or unavailable.
    public var smartStatus: String
    public var isVirtual: Bool
    public var overallHealthTest: String?
    public var temperature: Int?
    public var powerOnHours: Int64?
    public var powerCycleCount: Int64?
    public var reallocatedSectors: Int64?
    public var currentPendingSectors: Int64?
    public var offlineUncorrectable: Int64?
    public var predictedFailure: Bool
    public var attributes: [SmartAttribute]?

    public static let statuses: Set<String> = ["healthy", "warning", "critical", "virtual", "unavailable"]

    enum CodingKeys: String, CodingKey {
        case device, model, serial, firmware, smartStatus = "smart_status", isVirtual = "is_virtual",
            overallHealthTest = "overall_health_test", temperature, powerOnHours = "power_on_hours",
            powerCycleCount = "power_cycle_count", reallocatedSectors = "reallocated_sectors",
            currentPendingSectors = "current_pending_sectors", offlineUncorrectable = "offline_uncorrectable",
            predictedFailure = "predicted_failure", attributes
    }

    public init(
        device: String, model: String? = nil, serial: String? = nil, firmware: String? = nil, smartStatus: String,
        isVirtual: Bool, overallHealthTest: String? = nil, temperature: Int? = nil, powerOnHours: Int64? = nil,
        powerCycleCount: Int64? = nil, reallocatedSectors: Int64? = nil, currentPendingSectors: Int64? = nil,
        offlineUncorrectable: Int64? = nil, predictedFailure: Bool, attributes: [SmartAttribute]? = nil
    ) {
        self.device = device
        self.model = model
        self.serial = serial
        self.firmware = firmware
        self.smartStatus = smartStatus
        self.isVirtual = isVirtual
        self.overallHealthTest = overallHealthTest
        self.temperature = temperature
        self.powerOnHours = powerOnHours
        self.powerCycleCount = powerCycleCount
        self.reallocatedSectors = reallocatedSectors
        self.currentPendingSectors = currentPendingSectors
        self.offlineUncorrectable = offlineUncorrectable
        self.predictedFailure = predictedFailure
        self.attributes = attributes
    }
}

/// One row of the ATA attribute table (`smartctl --json`'s `ata_smart_attributes.table`).
public struct SmartAttribute: Codable, Sendable {
    public var id: Int
    public var name: String
    public var value: Int?
    public var worst: Int?
    public var thresh: Int?
    public var raw: Int64?
    public var whenFailed: String?

    enum CodingKeys: String, CodingKey {
        case id, name, value, worst, thresh, raw, whenFailed = "when_failed"
    }

    public init(
        id: Int, name: String, value: Int? = nil, worst: Int? = nil, thresh: Int? = nil, raw: Int64? = nil,
        whenFailed: String? = nil
    ) {
        self.id = id
        self.name = name
        self.value = value
        self.worst = worst
        self.thresh = thresh
        self.raw = raw
        self.whenFailed = whenFailed
    }
}

/// `network` (30 s): interfaces for the snapshot and inventory; the machine-wide rates, latency
/// and loss as a `metrics` row.
public struct NetworkReport: Codable, Sendable {
    public var interfaces: [NetworkInterface]
    public var latencyMs: Double?
    public var packetLoss: Double?

    enum CodingKeys: String, CodingKey {
        case interfaces, latencyMs = "latency_ms", packetLoss = "packet_loss"
    }

    public init(
        interfaces: [NetworkInterface], latencyMs: Double? = nil, packetLoss: Double? = nil
    ) {
        self.interfaces = interfaces
        self.latencyMs = latencyMs
        self.packetLoss = packetLoss
    }
}

public struct NetworkInterface: Codable, Sendable {
    public var name: String
    public var mac: String?
    public var ipv4: [String]?
    public var ipv6: [String]?
    public var state: String?
    public var speedMbps: Int?
    public var bytesRecvPerSec: Double?
    public var bytesSentPerSec: Double?
    public var packetsRecvPerSec: Double?
    public var packetsSentPerSec: Double?
    public var errorsIn: Int64?
    public var errorsOut: Int64?
    public var dropsIn: Int64?
    public var dropsOut: Int64?

    enum CodingKeys: String, CodingKey {
        case name, mac, ipv4, ipv6, state, speedMbps = "speed_mbps", bytesRecvPerSec = "bytes_recv_per_sec",
            bytesSentPerSec = "bytes_sent_per_sec", packetsRecvPerSec = "packets_recv_per_sec",
            packetsSentPerSec = "packets_sent_per_sec", errorsIn = "errors_in", errorsOut = "errors_out", dropsIn = "drops_in",
            dropsOut = "drops_out"
    }

    public init(
        name: String, mac: String? = nil, ipv4: [String]? = nil, ipv6: [String]? = nil, state: String? = nil,
        speedMbps: Int? = nil, bytesRecvPerSec: Double? = nil, bytesSentPerSec: Double? = nil, packetsRecvPerSec: Double? = nil,
        packetsSentPerSec: Double? = nil, errorsIn: Int64? = nil, errorsOut: Int64? = nil, dropsIn: Int64? = nil,
        dropsOut: Int64? = nil
    ) {
        self.name = name
        self.mac = mac
        self.ipv4 = ipv4
        self.ipv6 = ipv6
        self.state = state
        self.speedMbps = speedMbps
        self.bytesRecvPerSec = bytesRecvPerSec
        self.bytesSentPerSec = bytesSentPerSec
        self.packetsRecvPerSec = packetsRecvPerSec
        self.packetsSentPerSec = packetsSentPerSec
        self.errorsIn = errorsIn
        self.errorsOut = errorsOut
        self.dropsIn = dropsIn
        self.dropsOut = dropsOut
    }
}

/// `services` (2 min): every service or systemd unit.
public struct ServicesReport: Codable, Sendable {
    public var services: [ServiceInfo]

    public init(
        services: [ServiceInfo]
    ) {
        self.services = services
    }
}

public struct ServiceInfo: Codable, Sendable {
    public var name: String
    public var displayName: String?
    /// running, stopped, failed, starting, stopping or unknown.
    public var state: String
    public var subState: String?
    public var startType: String?

    enum CodingKeys: String, CodingKey {
        case name, displayName = "display_name", state, subState = "sub_state", startType = "start_type"
    }

    public init(
        name: String, displayName: String? = nil, state: String, subState: String? = nil, startType: String? = nil
    ) {
        self.name = name
        self.displayName = displayName
        self.state = state
        self.subState = subState
        self.startType = startType
    }
}

/// `security` (15 min): antivirus, firewall, disk encryption, secure boot, listening ports.
public struct SecurityReport: Codable, Sendable {
    public var antivirus: AntivirusInfo?
    public var firewallEnabled: Bool?
    public var firewallBackend: String?
    public var bitlockerEnabled: Bool?
    public var secureBootEnabled: Bool?
    public var ports: [ListeningPort]

    enum CodingKeys: String, CodingKey {
        case antivirus, firewallEnabled = "firewall_enabled", firewallBackend = "firewall_backend",
            bitlockerEnabled = "bitlocker_enabled", secureBootEnabled = "secure_boot_enabled", ports
    }

    public init(
        antivirus: AntivirusInfo? = nil, firewallEnabled: Bool? = nil, firewallBackend: String? = nil,
        bitlockerEnabled: Bool? = nil, secureBootEnabled: Bool? = nil, ports: [ListeningPort]
    ) {
        self.antivirus = antivirus
        self.firewallEnabled = firewallEnabled
        self.firewallBackend = firewallBackend
        self.bitlockerEnabled = bitlockerEnabled
        self.secureBootEnabled = secureBootEnabled
        self.ports = ports
    }
}

public struct AntivirusInfo: Codable, Sendable {
    public var name: String
    public var version: String?
    public var enabled: Bool
    public var updated: Bool?

    public init(
        name: String, version: String? = nil, enabled: Bool, updated: Bool? = nil
    ) {
        self.name = name
        self.version = version
        self.enabled = enabled
        self.updated = updated
    }
}

public struct ListeningPort: Codable, Sendable {
    public var port: Int
    /// tcp, tcp6, udp or udp6.
    public var `protocol`: String
    public var address: String?
    public var process: String?
    public var risky: Bool
    public var riskReason: String?

    enum CodingKeys: String, CodingKey {
        case port, `protocol`, address, process, risky, riskReason = "risk_reason"
    }

    public init(
        port: Int, `protocol`: String, address: String? = nil, process: String? = nil, risky: Bool, riskReason: String? = nil
    ) {
        self.port = port
        self.`protocol` = `protocol`
        self.address = address
        self.process = process
        self.risky = risky
        self.riskReason = riskReason
    }
}

/// `software` (4 h): installed packages and local accounts.
public struct SoftwareReport: Codable, Sendable {
    public var software: [SoftwareItem]
    public var users: [UserInfoData]

    public init(
        software: [SoftwareItem], users: [UserInfoData]
    ) {
        self.software = software
        self.users = users
    }
}

public struct SoftwareItem: Codable, Sendable {
    public var name: String
    public var version: String?
    public var publisher: String?
    public var installedAt: String?

    enum CodingKeys: String, CodingKey {
        case name, version, publisher, installedAt = "installed_at"
    }

    public init(
        name: String, version: String? = nil, publisher: String? = nil, installedAt: String? = nil
    ) {
        self.name = name
        self.version = version
        self.publisher = publisher
        self.installedAt = installedAt
    }
}

/// The spec's UserInfoData.
public struct UserInfoData: Codable, Sendable {
    public var username: String
    public var fullName: String?
    public var isAdmin: Bool
    public var enabled: Bool
    public var lastLogon: String?
    public var groups: [String]?

    enum CodingKeys: String, CodingKey {
        case username, fullName = "full_name", isAdmin = "is_admin", enabled, lastLogon = "last_logon", groups
    }

    public init(
        username: String, fullName: String? = nil, isAdmin: Bool, enabled: Bool, lastLogon: String? = nil, groups: [String]? = nil
    ) {
        self.username = username
        self.fullName = fullName
        self.isAdmin = isAdmin
        self.enabled = enabled
        self.lastLogon = lastLogon
        self.groups = groups
    }
}

/// `patches` (6 h): pending updates from the package manager's cached state.
public struct PatchesReport: Codable, Sendable {
    public var pendingUpdates: [PendingUpdateInfo]
    public var rebootRequired: Bool
    public var autoUpdate: Bool?
    public var lastCheck: Date?

    enum CodingKeys: String, CodingKey {
        case pendingUpdates = "pending_updates", rebootRequired = "reboot_required", autoUpdate = "auto_update",
            lastCheck = "last_check"
    }

    public init(
        pendingUpdates: [PendingUpdateInfo], rebootRequired: Bool, autoUpdate: Bool? = nil, lastCheck: Date? = nil
    ) {
        self.pendingUpdates = pendingUpdates
        self.rebootRequired = rebootRequired
        self.autoUpdate = autoUpdate
        self.lastCheck = lastCheck
    }
}

/// The spec's PendingUpdateInfo.
public struct PendingUpdateInfo: Codable, Sendable {
    public var title: String
    public var kb: String?
    /// Security, Critical, Definition or Other.
    public var category: String
    public var size: String?
    public var isImportant: Bool

    public var isSecurity: Bool { isImportant || category == "Security" || category == "Critical" }

    enum CodingKeys: String, CodingKey {
        case title, kb, category, size, isImportant = "is_important"
    }

    public init(
        title: String, kb: String? = nil, category: String, size: String? = nil, isImportant: Bool
    ) {
        self.title = title
        self.kb = kb
        self.category = category
        self.size = size
        self.isImportant = isImportant
    }
}

/// `events`: errors and warnings from the system journal or Windows event logs since the last post.
/// Not one of the eight configurable collectors: the agent sends them at its own pace.
public struct EventsReport: Codable, Sendable {
    public var events: [EventRecord]

    public init(
        events: [EventRecord]
    ) {
        self.events = events
    }
}

public struct EventRecord: Codable, Sendable {
    public var time: Date
    public var logName: String?
    public var source: String?
    public var eventId: Int?
    /// critical, error, warning or info.
    public var level: String
    public var message: String
    public var metadata: [String: String]?

    public static let levels: Set<String> = ["critical", "error", "warning", "info"]

    enum CodingKeys: String, CodingKey {
        case time, logName = "log_name", source, eventId = "event_id", level, message, metadata
    }

    public init(
        time: Date, logName: String? = nil, source: String? = nil, eventId: Int? = nil, level: String, message: String,
        metadata: [String: String]? = nil
    ) {
        self.time = time
        self.logName = logName
        self.source = source
        self.eventId = eventId
        self.level = level
        self.message = message
        self.metadata = metadata
    }
}
