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
    init(_ items: [CollectItem]) {
        for item in items { add(item) }
    }

    private mutating func add(_ item: CollectItem) {
        let machine = item.machineID, at = item.payload.collectedAt
        func snapshot(json: String) {
            snapshots[SnapshotKey(machineID: machine, kind: item.payload.kind)] = SnapshotRow(
                machineId: machine, collector: item.payload.kind.rawValue, data: json, collectedAt: at)
        }
        func snapshot(_ data: some Encodable) { snapshot(json: SnapshotRow.json(data)) }
        func updateInventory(_ change: (inout InventoryRow) -> Void) {
            change(&inventory[machine, default: InventoryRow(machineId: machine)])
        }
        switch item.payload.data {
        case .metrics(let sample):
            metrics.append(MetricRow(machine: machine, at: at, sample: sample))
        case .network(let report):
            let interfaces = NetworkJSON.interfaces(report.interfaces)
            snapshot(json: NetworkJSON.report(report, interfaces: interfaces))
            metrics.append(MetricRow(machine: machine, at: at, network: report))
            updateInventory { $0.network = interfaces }
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
    let machineId: UUID
    let recordedAt: Date
    var cpuPercent, ramPercent, swapPercent, cpuTemp: Double?
    var ramUsedBytes, ramTotalBytes, uptimeSeconds: Int64?
    var processCount: Int?
    var load1, load5, load15: Double?
    var diskReadBytesPerSec, diskWriteBytesPerSec, diskLatencyMs, ioWaitPercent: Double?
    var bytesRecv, bytesSent, packetLoss, latencyMs: Double?

    init(machine: UUID, at: Date, sample: MetricsSample) {
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
    init(machine: UUID, at: Date, network: NetworkReport) {
        machineId = machine
        recordedAt = at
        bytesRecv = network.interfaces.reduce(0) { $0 + ($1.bytesRecvPerSec ?? 0) }
        bytesSent = network.interfaces.reduce(0) { $0 + ($1.bytesSentPerSec ?? 0) }
        packetLoss = network.packetLoss
        latencyMs = network.latencyMs
    }

    func write(to row: inout JSONRows.Object) {
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

/// The latest report of a machine's collector; `data` is the report as JSON text.
struct SnapshotRow: JSONRow {
    let machineId: UUID
    let collector: String
    let data: String
    let collectedAt: Date

    func write(to row: inout JSONRows.Object) {
        row.field("machine_id", machineId)
        row.field("collector", collector)
        row.field("data", json: data)
        row.field("collected_at", collectedAt)
    }

    /// A report of the rarer collectors, through `JSONEncoder` (the network report has ``NetworkJSON``).
    static func json(_ report: some Encodable) -> String {
        // Encoding a decoded report cannot fail: its doubles are finite, as JSON read them.
        String(decoding: (try? CollectWriter.encoder.encode(report)) ?? Data("null".utf8), as: UTF8.self)
    }
}

/// The network report (every 30 s, a third of the posts) as `JSONEncoder` would write it, by
/// hand: encoding it twice through `JSONEncoder` (the snapshot, then the inventory's interfaces)
/// was most of what a network report added to a batch post. Keys in the same snake case.
enum NetworkJSON {
    static func report(_ report: NetworkReport, interfaces: String) -> String {
        var object = JSONRows.Object()
        object.field("interfaces", json: interfaces)
        object.field("latency_ms", report.latencyMs)
        object.field("packet_loss", report.packetLoss)
        return object.json
    }

    static func interfaces(_ interfaces: [NetworkInterface]) -> String {
        JSONRows.array(interfaces) { row, interface in
            row.field("name", escaping: interface.name)
            row.field("mac", escaping: interface.mac)
            row.field("ipv4", escaping: interface.ipv4)
            row.field("ipv6", escaping: interface.ipv6)
            row.field("state", escaping: interface.state)
            row.field("speed_mbps", interface.speedMbps)
            row.field("bytes_recv_per_sec", interface.bytesRecvPerSec)
            row.field("bytes_sent_per_sec", interface.bytesSentPerSec)
            row.field("packets_recv_per_sec", interface.packetsRecvPerSec)
            row.field("packets_sent_per_sec", interface.packetsSentPerSec)
            row.field("errors_in", interface.errorsIn)
            row.field("errors_out", interface.errorsOut)
            row.field("drops_in", interface.dropsIn)
            row.field("drops_out", interface.dropsOut)
        }
    }
}

/// The `machine_inventory` columns of one machine; a collector absent from the batch leaves its
/// columns as they are (`has_*` flags).
struct InventoryRow: JSONRow {
    let machineId: UUID
    /// The interfaces as JSON text (``NetworkJSON``).
    var network: String?
    var services: ServicesReport?
    var security: SecurityReport?
    var software: SoftwareReport?
    var patches: PatchesReport?

    init(machineId: UUID) { self.machineId = machineId }

    func write(to row: inout JSONRows.Object) {
        func json(_ value: some Encodable) -> String { SnapshotRow.json(value) }
        row.field("machine_id", machineId)
        row.field("has_network", network != nil)
        if let network { row.field("network_interfaces", json: network) }
        row.field("has_services", services != nil)
        if let services = services?.services {
            let failed = services.filter { $0.state == "failed" }
            row.field("services_total", services.count)
            row.field("services_running", services.count(where: { $0.state == "running" }))
            row.field("services_failed", failed.count)
            row.field("all_services", json: json(services))
            row.field("failed_services", json: json(failed))
        }
        row.field("has_security", security != nil)
        if let security {
            let risky = security.ports.filter(\.risky)
            row.field("antivirus_name", escaping: clip(security.antivirus?.name, 255))
            row.field("antivirus_version", escaping: security.antivirus?.version)
            row.field("antivirus_enabled", security.antivirus?.enabled)
            row.field("antivirus_updated", security.antivirus?.updated)
            row.field("firewall_enabled", security.firewallEnabled)
            row.field("bitlocker_enabled", security.bitlockerEnabled)
            row.field("secure_boot_enabled", security.secureBootEnabled)
            row.field("ports_open", security.ports.count)
            row.field("ports_risky_open", risky.count)
            row.field("all_ports", json: json(security.ports))
            row.field("risky_ports_details", json: json(risky))
        }
        row.field("has_software", software != nil)
        if let software {
            row.field("software_count", software.software.count)
            row.field("software_details", json: json(software.software))
            row.field("users_total", software.users.count)
            row.field("users_admin", software.users.count(where: \.isAdmin))
            row.field("users_details", json: json(software.users))
        }
        row.field("has_patches", patches != nil)
        if let patches {
            row.field("pending_updates", patches.pendingUpdates.count)
            row.field("security_updates", patches.pendingUpdates.count(where: \.isSecurity))
            row.field("reboot_required", patches.rebootRequired)
            row.field("patches_auto_update", patches.autoUpdate)
            if let lastCheck = patches.lastCheck { row.field("patches_last_check", lastCheck) }
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
