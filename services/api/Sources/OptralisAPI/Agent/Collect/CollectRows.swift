import Foundation
import OptralisCore

/// One accepted post, with the machine its certificate names.
struct CollectItem: Sendable {
    let machineID: UUID
    let payload: CollectPayload
}

/// The rows a batch of accepted posts becomes, table by table (spec "Architecture de Stockage des
/// Collectors"): `metrics` time series from metrics and network; `disk_info`, `smart_data`,
/// `event_logs`; the latest snapshot per machine and collector; the `machine_inventory` columns.
/// Each table's rows are encoded as one JSON array, inserted by a single statement.
struct CollectRows {
    var metrics: [MetricRow] = []
    var disks: [DiskRow] = []
    var smart: [SmartRow] = []
    var events: [EventRow] = []
    var apmProbes: [APMProbeRow] = []
    /// Latest per (machine, collector): a batch can hold two posts of one collector.
    var snapshots: [SnapshotKey: SnapshotRow] = [:]
    var inventory: [UUID: InventoryRow] = [:]
    /// The monitored databases' samples (`database_metrics`, and the latest on `monitored_databases`).
    var databases: [DatabaseRow] = []

    struct SnapshotKey: Hashable {
        let machineID: UUID
        let kind: CollectKind
    }

    /// `items` are in sequence order per machine and collector, so a later one is the newer.
    /// Each `metrics` row carries the index of its post in `items` (``CollectSQL/claimAndStoreMetrics``
    /// keeps those of the posts it accepts).
    init(_ items: [CollectItem]) {
        for (index, item) in items.enumerated() { add(item, post: index) }
    }

    private mutating func add(_ item: CollectItem, post: Int) {
        let machine = item.machineID, at = item.payload.collectedAt
        func snapshot(_ data: any Encodable & Sendable) {
            snapshots[SnapshotKey(machineID: machine, kind: item.payload.kind)] = SnapshotRow(
                machineId: machine, collector: item.payload.kind.rawValue, data: data, collectedAt: at)
        }
        func updateInventory(_ change: (inout InventoryRow) -> Void) {
            change(&inventory[machine, default: InventoryRow(machineId: machine)])
        }
        switch item.payload.data {
        case .metrics(let sample):
            metrics.append(MetricRow(post: post, machine: machine, at: at, sample: sample))
        case .network(let report):
            snapshot(report)
            metrics.append(MetricRow(post: post, machine: machine, at: at, network: report))
            updateInventory { $0.network = report.interfaces }
        case .storage(let report):
            snapshot(report)
            disks += report.disks.map { DiskRow(machine: machine, at: at, disk: $0) }
        case .storageHealth(let report):
            snapshot(report)
            smart += report.disks.map { SmartRow(machine: machine, at: at, disk: $0) }
        case .services(let report):
            snapshot(report)
            updateInventory { $0.services = report }
        case .security(let report):
            snapshot(report)
            updateInventory { $0.security = report }
        case .software(let report):
            snapshot(report)
            updateInventory { $0.software = report }
        case .patches(let report):
            snapshot(report)
            updateInventory { $0.patches = report }
        case .events(let report):
            events += report.events.map { EventRow(machine: machine, event: $0) }
        case .databases(let report):
            databases += report.databases.map { DatabaseRow(machine: machine, at: at, sample: $0) }
        case .apm(let report):
            apmProbes += report.probes.map { APMProbeRow(machine: machine, at: at, probe: $0) }
        }
    }
}

/// A `metrics` row; a network post fills only the network columns, a metrics post the others.
struct MetricRow: JSONRow {
    let post: Int
    let machineId: UUID
    let recordedAt: Date
    var cpuPercent, ramPercent, swapPercent, cpuTemp: Double?
    var ramUsedBytes, ramTotalBytes, uptimeSeconds: Int64?
    var processCount: Int?
    var load1, load5, load15: Double?
    var diskReadBytesPerSec, diskWriteBytesPerSec, diskLatencyMs, ioWaitPercent: Double?
    var bytesRecv, bytesSent, packetLoss, latencyMs: Double?

    init(post: Int, machine: UUID, at: Date, sample: MetricsSample) {
        self.post = post
        machineId = machine
        recordedAt = at
        cpuPercent = sample.cpuPercent
        ramPercent = sample.ramPercent
        swapPercent = sample.swapPercent
        cpuTemp = sample.cpuTemp
        ramUsedBytes = sample.ramUsedBytes
        ramTotalBytes = sample.ramTotalBytes
        uptimeSeconds = sample.uptimeSeconds
        processCount = sample.processCount
        load1 = sample.load1
        load5 = sample.load5
        load15 = sample.load15
        diskReadBytesPerSec = sample.diskReadBytesPerSec
        diskWriteBytesPerSec = sample.diskWriteBytesPerSec
        diskLatencyMs = sample.diskLatencyMs
        ioWaitPercent = sample.ioWaitPercent
    }

    /// The machine's traffic is the sum over its interfaces.
    init(post: Int, machine: UUID, at: Date, network: NetworkReport) {
        self.post = post
        machineId = machine
        recordedAt = at
        bytesRecv = network.interfaces.reduce(0) { $0 + ($1.bytesRecvPerSec ?? 0) }
        bytesSent = network.interfaces.reduce(0) { $0 + ($1.bytesSentPerSec ?? 0) }
        packetLoss = network.packetLoss
        latencyMs = network.latencyMs
    }

    func write(to row: inout JSONRows.Object) {
        row.field("post", post)
        row.field("machine_id", machineId)
        row.field("recorded_at", recordedAt)
        for (name, value) in [
            ("cpu_percent", cpuPercent), ("ram_percent", ramPercent), ("swap_percent", swapPercent), ("cpu_temp", cpuTemp),
            ("load_1", load1), ("load_5", load5), ("load_15", load15), ("disk_read_bytes_per_sec", diskReadBytesPerSec),
            ("disk_write_bytes_per_sec", diskWriteBytesPerSec), ("disk_latency_ms", diskLatencyMs), ("io_wait_percent", ioWaitPercent),
            ("bytes_recv", bytesRecv), ("bytes_sent", bytesSent), ("packet_loss", packetLoss), ("latency_ms", latencyMs),
        ] {
            row.field(name, value)
        }
        for (name, value) in [("ram_used_bytes", ramUsedBytes), ("ram_total_bytes", ramTotalBytes), ("uptime_seconds", uptimeSeconds)] {
            row.field(name, value)
        }
        row.field("process_count", processCount.map(Int64.init))
    }
}

/// A `database_metrics` row; the statement keeps it only when the database is set on this machine.
struct DatabaseRow: Encodable {
    let machineId: UUID
    let recordedAt: Date
    let sample: DatabaseSample

    init(machine: UUID, at: Date, sample: DatabaseSample) {
        machineId = machine
        recordedAt = at
        var sample = sample
        sample.slowQueries = sample.slowQueries.prefix(20).map { SlowQuery(query: clip($0.query, 1_000), calls: $0.calls, meanMs: $0.meanMs) }
        sample.missing = sample.missing.map { clip($0, 300) }
        sample.error = clip(sample.error, 1_000)
        self.sample = sample
    }

    enum CodingKeys: String, CodingKey { case machineId = "machine_id", recordedAt = "recorded_at" }

    /// The sample's own fields, with the machine and the time beside them.
    func encode(to encoder: any Encoder) throws {
        try sample.encode(to: encoder)
        var row = encoder.container(keyedBy: CodingKeys.self)
        try row.encode(machineId, forKey: .machineId)
        try row.encode(recordedAt, forKey: .recordedAt)
    }
}

struct DiskRow: Encodable {
    let machineId: UUID
    let recordedAt: Date
    let mountPoint: String
    let device, fsType, model, interface: String?
    let totalGb, usedGb, usedPercent: Double

    init(machine: UUID, at: Date, disk: DiskUsage) {
        machineId = machine
        recordedAt = at
        mountPoint = clip(disk.mountPoint, 255)
        device = clip(disk.device, 255)
        fsType = clip(disk.fsType, 50)
        model = clip(disk.model, 255)
        interface = clip(disk.interface, 50)
        totalGb = disk.totalGb
        usedGb = disk.usedGb
        usedPercent = disk.usedPercent
    }

    enum CodingKeys: String, CodingKey {
        case machineId = "machine_id", recordedAt = "recorded_at", mountPoint = "mount_point", device, fsType = "fs_type", model,
            interface, totalGb = "total_gb", usedGb = "used_gb", usedPercent = "used_percent"
    }
}

struct SmartRow: Encodable {
    let machineId: UUID
    let recordedAt: Date
    let device: String
    let model, serial, firmware, overallHealthTest: String?
    let smartStatus: String
    let isVirtual, predictedFailure: Bool
    let temperature: Int?
    let powerOnHours, powerCycleCount, reallocatedSectors, currentPendingSectors, offlineUncorrectable: Int64?
    let attributes: [SmartAttribute]?

    init(machine: UUID, at: Date, disk: SmartDiskInfo) {
        machineId = machine
        recordedAt = at
        device = clip(disk.device, 255)
        model = clip(disk.model, 255)
        serial = clip(disk.serial, 255)
        firmware = clip(disk.firmware, 100)
        overallHealthTest = clip(disk.overallHealthTest, 50)
        smartStatus = disk.smartStatus
        isVirtual = disk.isVirtual
        predictedFailure = disk.predictedFailure
        temperature = disk.temperature
        powerOnHours = disk.powerOnHours
        powerCycleCount = disk.powerCycleCount
        reallocatedSectors = disk.reallocatedSectors
        currentPendingSectors = disk.currentPendingSectors
        offlineUncorrectable = disk.offlineUncorrectable
        attributes = disk.attributes
    }

    enum CodingKeys: String, CodingKey {
        case machineId = "machine_id", recordedAt = "recorded_at", device, model, serial, firmware,
            overallHealthTest = "overall_health_test", smartStatus = "smart_status", isVirtual = "is_virtual",
            predictedFailure = "predicted_failure", temperature, powerOnHours = "power_on_hours",
            powerCycleCount = "power_cycle_count", reallocatedSectors = "reallocated_sectors",
            currentPendingSectors = "current_pending_sectors", offlineUncorrectable = "offline_uncorrectable", attributes
    }
}

struct EventRow: Encodable {
    let machineId: UUID
    let recordedAt: Date
    let logName, source: String?
    let eventId: Int?
    let level: String
    let message: String
    let metadata: [String: String]?

    init(machine: UUID, event: EventRecord) {
        machineId = machine
        recordedAt = event.time
        logName = clip(event.logName, 100)
        source = clip(event.source, 255)
        eventId = event.eventId
        level = event.level
        message = event.message
        metadata = event.metadata
    }

    enum CodingKeys: String, CodingKey {
        case machineId = "machine_id", recordedAt = "recorded_at", logName = "log_name", source, eventId = "event_id", level, message,
            metadata
    }
}

struct SnapshotRow: Encodable {
    let machineId: UUID
    let collector: String
    let data: any Encodable & Sendable
    let collectedAt: Date

    enum CodingKeys: String, CodingKey { case machineId = "machine_id", collector, data, collectedAt = "collected_at" }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(machineId, forKey: .machineId)
        try container.encode(collector, forKey: .collector)
        try data.encode(to: container.superEncoder(forKey: .data))
        try container.encode(collectedAt, forKey: .collectedAt)
    }
}

/// The `machine_inventory` columns of one machine; a collector absent from the batch leaves its
/// columns as they are (`has_*` flags).
struct InventoryRow: Encodable {
    let machineId: UUID
    var network: [NetworkInterface]?
    var services: ServicesReport?
    var security: SecurityReport?
    var software: SoftwareReport?
    var patches: PatchesReport?

    init(machineId: UUID) { self.machineId = machineId }

    enum CodingKeys: String, CodingKey {
        case machineId = "machine_id", hasNetwork = "has_network", networkInterfaces = "network_interfaces"
        case hasServices = "has_services", servicesTotal = "services_total", servicesRunning = "services_running",
            servicesFailed = "services_failed", allServices = "all_services", failedServices = "failed_services"
        case hasSecurity = "has_security", antivirusName = "antivirus_name", antivirusVersion = "antivirus_version",
            antivirusEnabled = "antivirus_enabled", antivirusUpdated = "antivirus_updated", firewallEnabled = "firewall_enabled",
            bitlockerEnabled = "bitlocker_enabled", secureBootEnabled = "secure_boot_enabled", portsOpen = "ports_open",
            portsRiskyOpen = "ports_risky_open", allPorts = "all_ports", riskyPortsDetails = "risky_ports_details"
        case hasSoftware = "has_software", softwareCount = "software_count", softwareDetails = "software_details",
            usersTotal = "users_total", usersAdmin = "users_admin", usersDetails = "users_details"
        case hasPatches = "has_patches", pendingUpdates = "pending_updates", securityUpdates = "security_updates",
            rebootRequired = "reboot_required", patchesAutoUpdate = "patches_auto_update", patchesLastCheck = "patches_last_check"
    }

    func encode(to encoder: any Encoder) throws {
        var row = encoder.container(keyedBy: CodingKeys.self)
        try row.encode(machineId, forKey: .machineId)
        try row.encode(network != nil, forKey: .hasNetwork)
        try row.encodeIfPresent(network, forKey: .networkInterfaces)
        try row.encode(services != nil, forKey: .hasServices)
        if let services = services?.services {
            let failed = services.filter { $0.state == "failed" }
            try row.encode(services.count, forKey: .servicesTotal)
            try row.encode(services.count(where: { $0.state == "running" }), forKey: .servicesRunning)
            try row.encode(failed.count, forKey: .servicesFailed)
            try row.encode(services, forKey: .allServices)
            try row.encode(failed, forKey: .failedServices)
        }
        try row.encode(security != nil, forKey: .hasSecurity)
        if let security {
            let risky = security.ports.filter(\.risky)
            try row.encodeIfPresent(clip(security.antivirus?.name, 255), forKey: .antivirusName)
            try row.encodeIfPresent(security.antivirus?.version, forKey: .antivirusVersion)
            try row.encodeIfPresent(security.antivirus?.enabled, forKey: .antivirusEnabled)
            try row.encodeIfPresent(security.antivirus?.updated, forKey: .antivirusUpdated)
            try row.encodeIfPresent(security.firewallEnabled, forKey: .firewallEnabled)
            try row.encodeIfPresent(security.bitlockerEnabled, forKey: .bitlockerEnabled)
            try row.encodeIfPresent(security.secureBootEnabled, forKey: .secureBootEnabled)
            try row.encode(security.ports.count, forKey: .portsOpen)
            try row.encode(risky.count, forKey: .portsRiskyOpen)
            try row.encode(security.ports, forKey: .allPorts)
            try row.encode(risky, forKey: .riskyPortsDetails)
        }
        try row.encode(software != nil, forKey: .hasSoftware)
        if let software {
            try row.encode(software.software.count, forKey: .softwareCount)
            try row.encode(software.software, forKey: .softwareDetails)
            try row.encode(software.users.count, forKey: .usersTotal)
            try row.encode(software.users.count(where: \.isAdmin), forKey: .usersAdmin)
            try row.encode(software.users, forKey: .usersDetails)
        }
        try row.encode(patches != nil, forKey: .hasPatches)
        if let patches {
            try row.encode(patches.pendingUpdates.count, forKey: .pendingUpdates)
            try row.encode(patches.pendingUpdates.count(where: \.isSecurity), forKey: .securityUpdates)
            try row.encode(patches.rebootRequired, forKey: .rebootRequired)
            try row.encodeIfPresent(patches.autoUpdate, forKey: .patchesAutoUpdate)
            try row.encodeIfPresent(patches.lastCheck, forKey: .patchesLastCheck)
        }
    }
}

/// An `apm_probes` row: the probe as the agent sent it (its error cut to the column's 500
/// characters), with the machine and time of the post. Stored only when the application is
/// probed by this machine (``CollectSQL/apmProbes`` joins `apm_applications`).
struct APMProbeRow: Encodable, Sendable {
    let probe: APMProbeResult
    let machineId: UUID
    let recordedAt: Date

    init(machine: UUID, at: Date, probe: APMProbeResult) {
        var probe = probe
        probe.error = probe.error.map { String($0.unicodeScalars.prefix(500)) }
        (self.probe, machineId, recordedAt) = (probe, machine, at)
    }

    enum CodingKeys: String, CodingKey { case machineId = "machine_id", recordedAt = "recorded_at" }

    func encode(to encoder: any Encoder) throws {
        try probe.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(machineId, forKey: .machineId)
        try container.encode(recordedAt, forKey: .recordedAt)
    }
}
