import Foundation
import OptralisCore
import OptralisTestSupport
import Testing

@testable import OptralisAgent

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

private func fixture(_ path: String) throws -> String {
    try String(contentsOf: fixtures.appendingPathComponent(path), encoding: .utf8)
}

private func rows(_ services: [ServiceInfo]) -> [[String?]] {
    services.map { [$0.name, $0.displayName, $0.state, $0.subState, $0.startType] }
}

@Suite("services collector")
struct ServicesCollectorTests {
    @Test func list_units_json_maps_states_descriptions_and_start_types_and_skips_units_known_only_by_reference() throws {
        let unitFiles = ServicesCollector.parseUnitFiles(try fixture("systemd/list-unit-files.json"))
        let services = ServicesCollector.parseUnits(try fixture("systemd/list-units.json"), unitFiles: unitFiles)

        #expect(
            rows(services) == [
                ["apparmor.service", "Load AppArmor profiles", "running", "exited", "enabled"],
                ["apt-daily.service", "Daily apt download activities", "stopped", "dead", "static"],
                ["containerd.service", "containerd container runtime", "running", "running", "enabled"],
                ["dbus.service", "D-Bus System Message Bus", "running", "running", "static"],
                ["docker.service", "Docker Application Container Engine", "stopping", "stop-sigterm", "enabled"],
                ["getty@tty1.service", "Getty on tty1", "running", "running", "enabled"],
                ["nftables.service", "nftables", "stopped", "dead", "disabled"],
                ["postgresql@15-main.service", "PostgreSQL Cluster 15-main", "starting", "start", "disabled"],
                ["redis-server.service", "Advanced key-value store", "failed", "failed", "enabled"],
                ["smartmontools.service", "Self Monitoring and Reporting Technology (SMART) Daemon", "running", "running", "enabled"],
                ["systemd-journald.service", "Journal Service", "running", "running", "static"],
            ])
    }

    @Test func list_unit_files_json_maps_each_unit_file_to_its_state() throws {
        let states = ServicesCollector.parseUnitFiles(try fixture("systemd/list-unit-files.json"))

        #expect(states.count == 117)
        #expect(states["getty@.service"] == "enabled")
        #expect(states["cgroupfs-mount.service"] == "masked")
        #expect(states["smartd.service"] == "alias")
        #expect(states["nftables.service"] == "disabled")
    }

    @Test(arguments: [
        ("active", "running", "running"), ("active", "exited", "running"), ("reloading", "reload", "running"),
        ("failed", "failed", "failed"), ("inactive", "dead", "stopped"), ("activating", "auto-restart", "starting"),
        ("deactivating", "stop-sigterm", "stopping"), ("maintenance", "cleaning", "unknown"),
    ])
    func active_and_sub_states_map_to_the_report_state(states: (active: String, sub: String, expected: String)) {
        #expect(ServicesCollector.state(active: states.active, sub: states.sub) == states.expected)
    }

    @Test func an_instance_takes_the_start_type_of_its_template() {
        #expect(ServicesCollector.template(of: "getty@tty1.service") == "getty@.service")
        #expect(ServicesCollector.template(of: "postgresql@15-main.service") == "postgresql@.service")
        #expect(ServicesCollector.template(of: "ssh.service") == nil)
    }

    @Test func output_that_is_not_a_unit_list_gives_no_services() {
        #expect(ServicesCollector.parseUnits("").isEmpty)
        #expect(ServicesCollector.parseUnits("System has not been booted with systemd as init system (PID 1). Can't operate.").isEmpty)
        #expect(ServicesCollector.parseUnitFiles("").isEmpty)
    }

    @Test func collect_runs_systemctl_for_units_and_unit_files() async throws {
        let tools = try FakeTools()
        defer { tools.remove() }
        try tools.add(
            "systemctl",
            """
            echo "$*" >> "\(tools.directory)/calls"
            case "$1" in
              list-units) /bin/cat "\(fixtures.path)/systemd/list-units.json" ;;
              list-unit-files) /bin/cat "\(fixtures.path)/systemd/list-unit-files.json" ;;
            esac
            """)

        let report = try await ServicesCollector(runner: tools.runner).collect()

        #expect(report.services.count == 11)
        #expect(
            rows(report.services.filter { $0.state == "failed" }) == [
                ["redis-server.service", "Advanced key-value store", "failed", "failed", "enabled"]
            ])
        #expect(
            try String(contentsOfFile: tools.directory + "/calls", encoding: .utf8) == """
                list-units --type=service --all --output=json --no-pager
                list-unit-files --type=service --output=json --no-pager

                """)
    }

    @Test func without_systemd_running_unit_files_are_not_listed() async throws {
        let tools = try FakeTools()
        defer { tools.remove() }
        try tools.add(
            "systemctl",
            """
            echo "$*" >> "\(tools.directory)/calls"
            case "$1" in
              list-units) echo "System has not been booted with systemd as init system (PID 1). Can't operate." >&2; exit 1 ;;
              list-unit-files) /bin/cat "\(fixtures.path)/systemd/list-unit-files.json" ;;
            esac
            """)

        let report = try await ServicesCollector(runner: tools.runner).collect()

        #expect(report.services.isEmpty)
        #expect(try String(contentsOfFile: tools.directory + "/calls", encoding: .utf8) == "list-units --type=service --all --output=json --no-pager\n")
    }

    @Test func without_systemctl_the_report_is_empty() async throws {
        let report = try await ServicesCollector(runner: CommandRunner(searchPath: [])).collect()
        #expect(report.services.isEmpty)
    }

    @Test func live_collect_lists_the_units_of_this_machine_or_none_without_systemd() async throws {
        let report = try await ServicesCollector().collect()
        let states: Set<String> = ["running", "stopped", "failed", "starting", "stopping", "unknown"]

        #expect(report.services.allSatisfy { states.contains($0.state) && $0.name.hasSuffix(".service") })
        // systemd creates /run/systemd/system when it is PID 1; in a container without it
        // `systemctl list-units` cannot connect and lists nothing.
        if FileManager.default.fileExists(atPath: "/run/systemd/system") {
            #expect(!report.services.isEmpty)
        } else {
            #expect(report.services.isEmpty)
        }
    }
}

/// Shell scripts standing in for system tools, found by a `CommandRunner` whose search path is
/// their directory.
private struct FakeTools {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "optralis-services-tools-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    var runner: CommandRunner { CommandRunner(searchPath: [directory]) }

    func add(_ tool: String, _ script: String) throws {
        let path = "\(directory)/\(tool)"
        try writeExecutable("#!/bin/sh\n\(script)\n", to: path)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
