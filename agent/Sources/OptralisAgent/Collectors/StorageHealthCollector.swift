#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// `storage_health`: S.M.A.R.T. of every disk smartctl finds (`smartctl --scan-open`), read
/// with `smartctl --json -a` and graded healthy, warning, critical, virtual or unavailable.
/// Without smartctl the report has no disks.
public struct StorageHealthCollector: Collector {
    public static let kind = "storage_health"
    let runner: CommandRunner

    public init(runner: CommandRunner = CommandRunner()) {
        self.runner = runner
    }

    public func collect() async throws -> SmartReport {
        guard let scan = try? await runner.run("smartctl", ["--scan-open", "--json"]) else { return SmartReport(disks: []) }
        var disks: [SmartDiskInfo] = []
        for device in Self.parseScan(scan.output) {
            let arguments = ["--json", "-a", device.name] + (device.type.map { ["-d", $0] } ?? [])
            let output = (try? await runner.run("smartctl", arguments, timeout: .seconds(60)))?.output ?? ""
            disks.append(Self.parseDisk(output, device: device.name))
        }
        return SmartReport(disks: disks)
    }

    // MARK: smartctl JSON

    /// A device as `--scan-open` names it, with the `-d` type smartctl needs to read it.
    struct ScannedDevice: Equatable {
        let name: String
        let type: String?
    }

    private struct Scan: Decodable {
        struct Device: Decodable {
            let name: String
            let type: String?
        }
        let devices: [Device]?
    }

    /// The parts of `smartctl --json -a` the report uses.
    private struct SmartctlOutput: Decodable {
        struct Status: Decodable {
            let passed: Bool?
        }
        struct Support: Decodable {
            let available: Bool?
        }
        struct Temperature: Decodable {
            let current: Int?
        }
        struct PowerOnTime: Decodable {
            let hours: Int64?
        }
        struct Attributes: Decodable {
            let table: [Attribute]?
        }
        struct Attribute: Decodable {
            struct Raw: Decodable {
                let value: Int64?
            }
            let id: Int
            let name: String
            let value: Int?
            let worst: Int?
            let thresh: Int?
            let raw: Raw?
            let whenFailed: String?

            enum CodingKeys: String, CodingKey {
                case id, name, value, worst, thresh, raw, whenFailed = "when_failed"
            }
        }
        struct NVMeLog: Decodable {
            let criticalWarning: Int?
            let mediaErrors: Int64?
            let percentageUsed: Int?
            let temperature: Int?
            let powerOnHours: Int64?
            let powerCycles: Int64?

            enum CodingKeys: String, CodingKey {
                case criticalWarning = "critical_warning", mediaErrors = "media_errors", percentageUsed = "percentage_used",
                    temperature, powerOnHours = "power_on_hours", powerCycles = "power_cycles"
            }
        }

        let modelName: String?
        let modelFamily: String?
        let scsiModelName: String?
        let scsiVendor: String?
        let scsiProduct: String?
        let serialNumber: String?
        let firmwareVersion: String?
        let scsiRevision: String?
        let smartStatus: Status?
        let smartSupport: Support?
        let temperature: Temperature?
        let powerOnTime: PowerOnTime?
        let powerCycleCount: Int64?
        let ataSmartAttributes: Attributes?
        let nvmeSmartHealthInformationLog: NVMeLog?
        let scsiGrownDefectList: Int64?

        enum CodingKeys: String, CodingKey {
            case modelName = "model_name", modelFamily = "model_family", scsiModelName = "scsi_model_name",
                scsiVendor = "scsi_vendor", scsiProduct = "scsi_product", serialNumber = "serial_number",
                firmwareVersion = "firmware_version", scsiRevision = "scsi_revision", smartStatus = "smart_status",
                smartSupport = "smart_support", temperature, powerOnTime = "power_on_time", powerCycleCount = "power_cycle_count",
                ataSmartAttributes = "ata_smart_attributes", nvmeSmartHealthInformationLog = "nvme_smart_health_information_log",
                scsiGrownDefectList = "scsi_grown_defect_list"
        }
    }

    /// `smartctl --scan-open --json`: `{"devices": [{"name": "/dev/sda", "type": "sat", …}]}`.
    static func parseScan(_ json: String) -> [ScannedDevice] {
        let scan = try? JSONDecoder().decode(Scan.self, from: Data(json.utf8))
        return (scan?.devices ?? []).map { ScannedDevice(name: $0.name, type: $0.type) }
    }

    /// Emulated disks (QEMU, VMware, VirtualBox, Hyper-V) report a model such as `QEMU HARDDISK`.
    static func isVirtualModel(_ text: String) -> Bool {
        text.contains(/(?i)qemu|vmware|virtual|vbox|msft/)
    }

    /// One disk from `smartctl --json -a <device>`. ATA disks report attributes 5 (reallocated), 197
    /// (pending) and 198 (offline uncorrectable); SCSI disks their grown defect list, counted as
    /// reallocated sectors; NVMe disks a health log. Output without SMART data (smartctl could
    /// not open the device, or the device has no SMART) is `unavailable`.
    static func parseDisk(_ json: String, device: String) -> SmartDiskInfo {
        guard let report = try? JSONDecoder().decode(SmartctlOutput.self, from: Data(json.utf8)) else {
            return SmartDiskInfo(device: device, smartStatus: "unavailable", isVirtual: false, predictedFailure: false)
        }
        let model = report.modelName ?? report.scsiModelName ?? report.modelFamily
        let identity = [model, report.scsiVendor, report.scsiProduct].compactMap { $0 }.joined(separator: " ")
        if isVirtualModel(identity) {
            return SmartDiskInfo(device: device, model: model, smartStatus: "virtual", isVirtual: true, predictedFailure: false)
        }
        let table = report.ataSmartAttributes?.table
        let nvme = report.nvmeSmartHealthInformationLog
        func raw(_ id: Int) -> Int64? { table?.first { $0.id == id }?.raw?.value }
        let hasData = report.smartStatus?.passed != nil || table?.isEmpty == false || nvme != nil
        var disk = SmartDiskInfo(
            device: device, model: model, serial: report.serialNumber, firmware: report.firmwareVersion ?? report.scsiRevision,
            smartStatus: "unavailable", isVirtual: false,
            overallHealthTest: report.smartStatus?.passed.map { $0 ? "PASSED" : "FAILED" },
            temperature: report.temperature?.current ?? nvme?.temperature,
            powerOnHours: report.powerOnTime?.hours ?? nvme?.powerOnHours,
            powerCycleCount: report.powerCycleCount ?? nvme?.powerCycles ?? raw(12),
            reallocatedSectors: raw(5) ?? report.scsiGrownDefectList, currentPendingSectors: raw(197), offlineUncorrectable: raw(198),
            predictedFailure: report.smartStatus?.passed == false,
            attributes: table.map { rows in
                rows.map {
                    SmartAttribute(
                        id: $0.id, name: $0.name, value: $0.value, worst: $0.worst, thresh: $0.thresh, raw: $0.raw?.value,
                        whenFailed: $0.whenFailed?.isEmpty == false ? $0.whenFailed : nil)
                }
            })
        if hasData && report.smartSupport?.available != false {
            disk.smartStatus = status(
                of: disk, nvmeCriticalWarning: nvme?.criticalWarning, nvmePercentageUsed: nvme?.percentageUsed,
                nvmeMediaErrors: nvme?.mediaErrors)
        }
        return disk
    }

    /// Critical: the drive's own test failed, an NVMe critical warning, more than 100 reallocated
    /// sectors, or any pending or uncorrectable one. Warning: any reallocated sector, NVMe wear
    /// at 90 % or media errors, or 60 °C and above.
    static func status(of disk: SmartDiskInfo, nvmeCriticalWarning: Int?, nvmePercentageUsed: Int?, nvmeMediaErrors: Int64?) -> String {
        let reallocated = disk.reallocatedSectors ?? 0
        if disk.predictedFailure || (nvmeCriticalWarning ?? 0) != 0 || reallocated > 100 || (disk.currentPendingSectors ?? 0) > 0
            || (disk.offlineUncorrectable ?? 0) > 0
        {
            return "critical"
        }
        if reallocated > 0 || (nvmePercentageUsed ?? 0) >= 90 || (nvmeMediaErrors ?? 0) > 0 || (disk.temperature ?? 0) >= 60 {
            return "warning"
        }
        return "healthy"
    }
}
