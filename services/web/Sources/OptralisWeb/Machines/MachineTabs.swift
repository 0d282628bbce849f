import Foundation

/// The machine page's live tabs, built from its collectors' latest data alone (`collectors` in
/// `GET /api/machines/{id}`: the payload each collector last posted).
enum MachineTabs {
    static func values(tab: String, collectors: [String: Any], language: String, renderer: PageRenderer) -> [String: Any] {
        switch tab {
        case "storage": storage(collectors, language: language, renderer: renderer)
        case "services": services(collectors, language: language, renderer: renderer)
        case "patches": MachineInventoryTabs.patches(collectors, language: language, renderer: renderer)
        default: [:]
        }
    }

    static func storage(_ collectors: [String: Any], language: String, renderer: PageRenderer) -> [String: Any] {
        let volumes = ((collectors["storage"] as? [String: Any])?["disks"] as? [[String: Any]] ?? []).map { disk -> [String: Any] in
            let used = disk["used_percent"] as? Double
            return [
                "mount": disk["mount_point"] as? String ?? "", "device": disk["device"] as? String ?? "", "fs": disk["fs_type"] as? String ?? "",
                "used": used.map { LineChart.number($0, decimals: 1) + " %" } ?? "—",
                "size": (disk["total_gb"] as? Double).map { LineChart.number($0, decimals: 1) + " GB" } ?? "—",
                "pill": Pill.make(used.map { $0 >= 95 ? "critical" : ($0 >= 85 ? "warning" : "online") } ?? "info", language: language, renderer: renderer),
            ]
        }
        let disks = ((collectors["storage_health"] as? [String: Any])?["disks"] as? [[String: Any]] ?? []).map { disk -> [String: Any] in
            let status = disk["smart_status"] as? String ?? "unavailable"
            let pill =
                switch status {
                case "healthy": "online"
                case "warning": "warning"
                case "critical": "critical"
                default: "info"
                }
            var facts: [String] = []
            for (key, label) in [
                ("reallocated_sectors", "smart_reallocated"), ("current_pending_sectors", "smart_pending"), ("offline_uncorrectable", "smart_uncorrectable"),
            ] {
                if let value = disk[key] as? Int { facts.append("\(renderer.text(label, language)) \(value)") }
            }
            if let hours = disk["power_on_hours"] as? Int { facts.append("\(renderer.text("smart_hours", language)) \(hours)") }
            if let temperature = disk["temperature"] as? Int { facts.append("\(temperature) °C") }
            if disk["predicted_failure"] as? Bool == true { facts.insert(renderer.text("smart_predicted_failure", language), at: 0) }
            return [
                "device": disk["device"] as? String ?? "", "model": disk["model"] as? String ?? "",
                "pill": Pill.make(pill, language: language, renderer: renderer), "facts": facts.joined(separator: " · "),
            ]
        }
        return ["volumes": volumes, "has_volumes": !volumes.isEmpty, "disks": disks, "has_disks": !disks.isEmpty]
    }

    static func services(_ collectors: [String: Any], language: String, renderer: PageRenderer) -> [String: Any] {
        let all = (collectors["services"] as? [String: Any])?["services"] as? [[String: Any]] ?? []
        func failed(_ service: [String: Any]) -> Bool { (service["state"] as? String) == "failed" || (service["sub_state"] as? String) == "failed" }
        let rows = all.sorted { left, right in
            failed(left) != failed(right) ? failed(left) : (left["name"] as? String ?? "") < (right["name"] as? String ?? "")
        }.map { service -> [String: Any] in
            let state = service["state"] as? String ?? ""
            let pill = failed(service) ? "critical" : (state == "active" || state == "running" ? "online" : "offline")
            return [
                "name": service["display_name"] as? String ?? service["name"] as? String ?? "", "unit": service["name"] as? String ?? "",
                "state": [state, service["sub_state"] as? String].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " / "),
                "pill": Pill.make(pill, language: language, renderer: renderer),
            ]
        }
        return ["services": rows, "has_services": !rows.isEmpty]
    }
}
