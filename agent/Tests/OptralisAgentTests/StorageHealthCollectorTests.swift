import Foundation
import OptralisCore
import OptralisTestSupport
import Testing

@testable import OptralisAgent

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

private func smartctl(_ file: String) throws -> String {
    try String(contentsOf: fixtures.appendingPathComponent("smartctl/\(file)"), encoding: .utf8)
}

/// `Fixtures/smartctl/`: `smartctl --json -a` of real disks from the `testdata/` of
/// prometheus-community/smartctl_exporter (Apache-2.0), plus a QEMU disk and a scan written in
/// smartctl 7.3's format.
@Suite("storage health collector")
struct StorageHealthCollectorTests {
    @Test(arguments: [
        ("ST3500418AS_12.json", "critical"),
        ("ST3500418AS_11.json", "warning"),
        ("sat-Intel_S4510_S4610_S4500_S4600_Series_SSDs-INTEL_SSDSC2KB240G7-sdd.json", "warning"),
        ("nvme-null-SAMSUNG_MZWLL3T2HAJQ-00005-nvme0.json", "critical"),
        ("nvme-null-Samsung_SSD_970_EVO_Plus_250GB-nvme0.json", "healthy"),
        ("WDC_WD20EFRX-68EUZN0_17.json", "healthy"),
        ("SAMSUNG_MZ7WD240HAFV-00003_21.json", "healthy"),
        ("SEAGATE_ST373453LC_26.json", "critical"),
        ("qemu-QEMU_HARDDISK-sda.json", "virtual"),
    ])
    func real_disks_are_graded_by_their_smart_data(disk: (file: String, status: String)) throws {
        #expect(StorageHealthCollector.parseDisk(try smartctl(disk.file), device: "/dev/sdx").smartStatus == disk.status)
    }

    @Test func ata_disk_with_304_reallocated_sectors_reports_counters_and_attributes() throws {
        let disk = StorageHealthCollector.parseDisk(try smartctl("ST3500418AS_12.json"), device: "/dev/sda")

        #expect(disk.device == "/dev/sda")
        #expect(disk.model == "ST3500418AS")
        #expect(disk.serial == "REDACTED")
        #expect(disk.firmware == "REDACTED")
        #expect(disk.smartStatus == "critical")
        #expect(disk.isVirtual == false)
        #expect(disk.overallHealthTest == "PASSED")
        #expect(disk.predictedFailure == false)
        #expect(disk.temperature == 33)
        #expect(disk.powerOnHours == 44668)
        #expect(disk.powerCycleCount == 26)
        #expect(disk.reallocatedSectors == 304)
        #expect(disk.currentPendingSectors == 0)
        #expect(disk.offlineUncorrectable == 0)
        #expect(disk.attributes?.count == 22)
        let reallocated = try #require(disk.attributes?.first { $0.id == 5 })
        #expect(
            [reallocated.name, "\(reallocated.value ?? -1)", "\(reallocated.worst ?? -1)", "\(reallocated.thresh ?? -1)", "\(reallocated.raw ?? -1)"]
                == ["Reallocated_Sector_Ct", "93", "93", "36", "304"])
        #expect(reallocated.whenFailed == nil)
        // Attribute 194 packs min/max into its raw value: passed on as smartctl gives it.
        #expect(disk.attributes?.first { $0.id == 194 }?.raw == 81_604_378_657)
    }

    @Test func ata_disk_with_one_reallocated_sector_is_a_warning() throws {
        let disk = StorageHealthCollector.parseDisk(try smartctl("ST3500418AS_11.json"), device: "/dev/sdb")
        #expect(disk.smartStatus == "warning")
        #expect(disk.reallocatedSectors == 1)
        #expect(disk.temperature == 32)
        #expect(disk.powerOnHours == 44670)
    }

    @Test func failed_nvme_disk_reports_its_health_log() throws {
        let disk = StorageHealthCollector.parseDisk(try smartctl("nvme-null-SAMSUNG_MZWLL3T2HAJQ-00005-nvme0.json"), device: "/dev/nvme0")

        #expect(disk.device == "/dev/nvme0")
        #expect(disk.model == "SAMSUNG MZWLL3T2HAJQ-00005")
        #expect(disk.smartStatus == "critical")
        #expect(disk.overallHealthTest == "FAILED")
        #expect(disk.predictedFailure == true)
        #expect(disk.temperature == 40)
        #expect(disk.powerOnHours == 18376)
        #expect(disk.powerCycleCount == 6)
        #expect(disk.reallocatedSectors == nil)
        #expect(disk.attributes == nil)
    }

    @Test func healthy_nvme_disk() throws {
        let disk = StorageHealthCollector.parseDisk(try smartctl("nvme-null-Samsung_SSD_970_EVO_Plus_250GB-nvme0.json"), device: "/dev/nvme0")
        #expect(disk.model == "Samsung SSD 970 EVO Plus 250GB")
        #expect(disk.smartStatus == "healthy")
        #expect(disk.overallHealthTest == "PASSED")
        #expect(disk.temperature == 35)
        #expect(disk.powerOnHours == 3149)
        #expect(disk.powerCycleCount == 16)
    }

    @Test func scsi_disk_counts_its_grown_defects_as_reallocated_sectors() throws {
        let disk = StorageHealthCollector.parseDisk(try smartctl("SEAGATE_ST373453LC_26.json"), device: "/dev/sdb")

        #expect(disk.model == "SEAGATE ST373453LC")
        #expect(disk.firmware == "DX10")
        #expect(disk.overallHealthTest == "PASSED")
        #expect(disk.temperature == 33)
        #expect(disk.powerOnHours == 102_880)
        #expect(disk.powerCycleCount == nil)
        #expect(disk.reallocatedSectors == 260)
        #expect(disk.currentPendingSectors == nil)
        #expect(disk.attributes == nil)
        #expect(disk.smartStatus == "critical")
    }

    @Test func emulated_disk_is_virtual_with_nothing_but_its_model() throws {
        let disk = StorageHealthCollector.parseDisk(try smartctl("qemu-QEMU_HARDDISK-sda.json"), device: "/dev/sda")

        #expect(disk.device == "/dev/sda")
        #expect(disk.model == "QEMU QEMU HARDDISK")
        #expect(disk.smartStatus == "virtual")
        #expect(disk.isVirtual == true)
        #expect(disk.serial == nil && disk.temperature == nil && disk.overallHealthTest == nil && disk.attributes == nil)
        #expect(disk.predictedFailure == false)
    }

    @Test(arguments: ["QEMU HARDDISK", "VMware Virtual disk", "Msft Virtual Disk", "VBOX HARDDISK", "Virtual Disk"])
    func hypervisor_models_are_virtual(model: String) {
        #expect(StorageHealthCollector.isVirtualModel(model))
    }

    @Test func disk_without_smart_data_or_unreadable_output_is_unavailable() {
        let usbBridge = """
            {"device": {"name": "/dev/sdc", "type": "scsi", "protocol": "SCSI"}, "scsi_vendor": "JMicron", "scsi_product": "Generic",
             "scsi_model_name": "JMicron Generic", "smart_support": {"available": false}, "smartctl": {"exit_status": 4}}
            """
        let disk = StorageHealthCollector.parseDisk(usbBridge, device: "/dev/sdc")
        #expect(disk.smartStatus == "unavailable")
        #expect(disk.model == "JMicron Generic")
        #expect(disk.isVirtual == false)

        let openFailed = StorageHealthCollector.parseDisk("", device: "/dev/sdd")
        #expect(openFailed.device == "/dev/sdd")
        #expect(openFailed.smartStatus == "unavailable")
    }

    @Test func hot_or_worn_disks_are_warnings() {
        let hot = SmartDiskInfo(device: "/dev/sda", smartStatus: "", isVirtual: false, temperature: 60, predictedFailure: false)
        let warm = SmartDiskInfo(device: "/dev/sda", smartStatus: "", isVirtual: false, temperature: 59, predictedFailure: false)
        let pending = SmartDiskInfo(device: "/dev/sda", smartStatus: "", isVirtual: false, currentPendingSectors: 1, predictedFailure: false)
        let uncorrectable = SmartDiskInfo(device: "/dev/sda", smartStatus: "", isVirtual: false, offlineUncorrectable: 2, predictedFailure: false)
        let many = SmartDiskInfo(device: "/dev/sda", smartStatus: "", isVirtual: false, reallocatedSectors: 101, predictedFailure: false)
        let hundred = SmartDiskInfo(device: "/dev/sda", smartStatus: "", isVirtual: false, reallocatedSectors: 100, predictedFailure: false)

        #expect(StorageHealthCollector.status(of: hot, nvmeCriticalWarning: nil, nvmePercentageUsed: nil, nvmeMediaErrors: nil) == "warning")
        #expect(StorageHealthCollector.status(of: warm, nvmeCriticalWarning: nil, nvmePercentageUsed: nil, nvmeMediaErrors: nil) == "healthy")
        #expect(StorageHealthCollector.status(of: warm, nvmeCriticalWarning: 0, nvmePercentageUsed: 90, nvmeMediaErrors: 0) == "warning")
        #expect(StorageHealthCollector.status(of: warm, nvmeCriticalWarning: 0, nvmePercentageUsed: 89, nvmeMediaErrors: 3) == "warning")
        #expect(StorageHealthCollector.status(of: warm, nvmeCriticalWarning: 2, nvmePercentageUsed: 0, nvmeMediaErrors: 0) == "critical")
        #expect(StorageHealthCollector.status(of: pending, nvmeCriticalWarning: nil, nvmePercentageUsed: nil, nvmeMediaErrors: nil) == "critical")
        #expect(StorageHealthCollector.status(of: uncorrectable, nvmeCriticalWarning: nil, nvmePercentageUsed: nil, nvmeMediaErrors: nil) == "critical")
        #expect(StorageHealthCollector.status(of: many, nvmeCriticalWarning: nil, nvmePercentageUsed: nil, nvmeMediaErrors: nil) == "critical")
        #expect(StorageHealthCollector.status(of: hundred, nvmeCriticalWarning: nil, nvmePercentageUsed: nil, nvmeMediaErrors: nil) == "warning")
    }

    @Test func scan_lists_devices_with_their_type() throws {
        #expect(
            StorageHealthCollector.parseScan(try smartctl("scan-open.json")) == [
                .init(name: "/dev/sda", type: "sat"), .init(name: "/dev/sdb", type: "scsi"), .init(name: "/dev/nvme0", type: "nvme"),
            ])
        #expect(StorageHealthCollector.parseScan("").isEmpty)
    }

    @Test func collect_scans_then_reads_each_device_with_its_type() async throws {
        let directory = NSTemporaryDirectory() + "optralis-smartctl-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let smart = fixtures.appendingPathComponent("smartctl").path
        // smartctl's exit status is a bit mask: 8 says the disk is failing, the JSON is still complete.
        let script = """
            #!/bin/sh
            echo "$*" >> "\(directory)/calls"
            case "$*" in
              "--scan-open --json") /bin/cat "\(smart)/scan-open.json" ;;
              *" /dev/sda -d sat") /bin/cat "\(smart)/ST3500418AS_11.json"; exit 0 ;;
              *" /dev/sdb -d scsi") /bin/cat "\(smart)/SEAGATE_ST373453LC_26.json" ;;
              *" /dev/nvme0 -d nvme") /bin/cat "\(smart)/nvme-null-SAMSUNG_MZWLL3T2HAJQ-00005-nvme0.json"; exit 8 ;;
            esac

            """
        try writeExecutable(script, to: directory + "/smartctl")

        let report = try await StorageHealthCollector(runner: CommandRunner(searchPath: [directory])).collect()

        #expect(
            report.disks.map { [$0.device, $0.model, $0.smartStatus] } == [
                ["/dev/sda", "ST3500418AS", "warning"],
                ["/dev/sdb", "SEAGATE ST373453LC", "critical"],
                ["/dev/nvme0", "SAMSUNG MZWLL3T2HAJQ-00005", "critical"],
            ])
        #expect(
            try String(contentsOfFile: directory + "/calls", encoding: .utf8) == """
                --scan-open --json
                --json -a /dev/sda -d sat
                --json -a /dev/sdb -d scsi
                --json -a /dev/nvme0 -d nvme

                """)
    }

    @Test func without_smartctl_there_are_no_disks() async throws {
        let report = try await StorageHealthCollector(runner: CommandRunner(searchPath: [])).collect()
        #expect(report.disks.isEmpty)
    }

    @Test func live_collect_reads_every_disk_smartctl_finds_on_this_machine() async throws {
        let report = try await StorageHealthCollector().collect()
        guard let scan = try await CommandRunner().run("smartctl", ["--scan-open", "--json"]) else {
            #expect(report.disks.isEmpty)
            return
        }
        let devices = StorageHealthCollector.parseScan(scan.output)
        #expect(report.disks.count == devices.count)
        #expect(report.disks.allSatisfy { SmartDiskInfo.statuses.contains($0.smartStatus) })
    }
}
