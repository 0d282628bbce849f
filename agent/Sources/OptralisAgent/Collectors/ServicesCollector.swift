#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// `services`: the systemd service units (`systemctl list-units --all`) with their start type
/// from `systemctl list-unit-files`. Without systemd (no systemctl, or a container whose PID 1 is
/// not systemd) the report is empty.
public struct ServicesCollector: Collector {
    public static let kind = "services"
    let runner: CommandRunner

    public init(runner: CommandRunner = CommandRunner()) {
        self.runner = runner
    }

    public func collect() async throws -> ServicesReport {
        // Without systemd as PID 1, list-units fails at once, while list-unit-files would still
        // walk every unit directory (0.6 s of CPU per run on the development VM): not asked.
        guard
            let units = try await runner.run(
                "systemctl", ["list-units", "--type=service", "--all", "--output=json", "--no-pager"]), units.status == 0
        else { return ServicesReport(services: []) }
        let files = try await runner.run("systemctl", ["list-unit-files", "--type=service", "--output=json", "--no-pager"])
        return ServicesReport(services: Self.parseUnits(units.output, unitFiles: Self.parseUnitFiles(files?.output ?? "")))
    }

    private struct Unit: Decodable {
        let unit: String
        let load: String?
        let active: String?
        let sub: String?
        let description: String?
    }

    private struct UnitFile: Decodable {
        let unitFile: String
        let state: String?

        enum CodingKeys: String, CodingKey {
            case unitFile = "unit_file", state
        }
    }

    /// `systemctl list-units --output=json`: `[{"unit":…,"load":…,"active":…,"sub":…,"description":…}]`.
    /// Units systemd only knows by reference (`not-found` and inactive) are skipped. `unitFiles`
    /// maps a unit file to its state; an instance (`getty@tty1.service`) takes its template's.
    static func parseUnits(_ json: String, unitFiles: [String: String] = [:]) -> [ServiceInfo] {
        guard let units = try? JSONDecoder().decode([Unit].self, from: Data(json.utf8)) else { return [] }
        return units.compactMap { unit in
            if unit.load == "not-found" && unit.active == "inactive" { return nil }
            let description = unit.description?.isEmpty == false ? unit.description : nil
            return ServiceInfo(
                name: unit.unit, displayName: description, state: state(active: unit.active, sub: unit.sub), subState: unit.sub,
                startType: unitFiles[unit.unit] ?? template(of: unit.unit).flatMap { unitFiles[$0] })
        }
    }

    /// `systemctl list-unit-files --output=json`: unit file name → state (enabled, disabled,
    /// static, masked, alias, indirect, generated…).
    static func parseUnitFiles(_ json: String) -> [String: String] {
        guard let files = try? JSONDecoder().decode([UnitFile].self, from: Data(json.utf8)) else { return [:] }
        var states: [String: String] = [:]
        for file in files {
            if let state = file.state { states[file.unitFile] = state }
        }
        return states
    }

    /// Any `active` unit is running, including oneshot units that ran and stay active
    /// (`active (exited)`): the sub state tells them apart.
    static func state(active: String?, sub: String?) -> String {
        switch active {
        case "active", "reloading": "running"
        case "failed": "failed"
        case "inactive": "stopped"
        case "activating": "starting"
        case "deactivating": "stopping"
        default: "unknown"
        }
    }

    /// `name@instance.service` → `name@.service`.
    static func template(of unit: String) -> String? {
        guard let at = unit.firstIndex(of: "@"), let dot = unit.lastIndex(of: "."), at < dot else { return nil }
        return String(unit[...at]) + String(unit[dot...])
    }
}
