import Foundation

/// The machine page's security, software and patches tabs, from the `security`, `software` and
/// `patches` collectors' latest data (and the risk overrides, read by the controller).
enum MachineInventoryTabs {
    /// Software rows per page: a desktop has a couple of thousand packages.
    static let softwarePageSize = 100

    static func security(
        _ collectors: [String: Any], overrides: [[String: Any]], language: String, renderer: PageRenderer
    ) -> [String: Any] {
        let report = collectors["security"] as? [String: Any]
        func flag(_ key: String) -> [String: Any]? {
            guard let value = report?[key] as? Bool else { return nil }
            return [
                "pill": Pill.make(value ? "online" : "warning", language: language, renderer: renderer),
                "value": renderer.text(value ? "yes" : "no", language),
            ]
        }
        var posture: [[String: Any]] = []
        for (key, label) in [("firewall_enabled", "firewall"), ("secure_boot_enabled", "secure_boot"), ("bitlocker_enabled", "disk_encryption")] {
            guard var entry = flag(key) else { continue }
            entry["label"] = renderer.text(label, language)
            if key == "firewall_enabled", let backend = report?["firewall_backend"] as? String { entry["detail"] = backend }
            posture.append(entry)
        }
        if let antivirus = report?["antivirus"] as? [String: Any] {
            let enabled = antivirus["enabled"] as? Bool == true, updated = antivirus["updated"] as? Bool != false
            posture.append([
                "label": renderer.text("antivirus", language),
                "pill": Pill.make(enabled && updated ? "online" : "warning", language: language, renderer: renderer),
                "value": antivirus["name"] as? String ?? "", "detail": antivirus["version"] as? String ?? "",
            ])
        }
        // Risky ports first, then by number.
        let ports = (report?["ports"] as? [[String: Any]] ?? []).sorted { left, right in
            let leftRisky = left["risky"] as? Bool == true, rightRisky = right["risky"] as? Bool == true
            return leftRisky != rightRisky ? leftRisky : (left["port"] as? Int ?? 0) < (right["port"] as? Int ?? 0)
        }.map { port -> [String: Any] in
            let risky = port["risky"] as? Bool == true
            var row: [String: Any] = [
                "port": port["port"] as? Int ?? 0, "protocol": port["protocol"] as? String ?? "",
                "address": port["address"] as? String ?? "", "process": port["process"] as? String ?? "",
            ]
            if risky {
                row["risk"] = ["pill": Pill.make("critical", language: language, renderer: renderer), "reason": port["risk_reason"] as? String ?? ""]
            }
            return row
        }
        let users = (collectors["software"] as? [String: Any])?["users"] as? [[String: Any]] ?? []
        let admins = users.filter { $0["is_admin"] as? Bool == true }.map { user -> [String: Any] in
            [
                "username": user["username"] as? String ?? "", "full_name": user["full_name"] as? String ?? "",
                "state": renderer.text(user["enabled"] as? Bool == false ? "account_disabled" : "account_enabled", language),
                "last_logon": user["last_logon"] as? String ?? "—",
            ]
        }
        let accepted = overrides.map { entry -> [String: Any] in
            [
                "override_id": entry["id"] as? String ?? "", "type": entry["risk_type"] as? String ?? "",
                "key": (entry["risk_key"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "*",
                "status": renderer.text("override_\(entry["status"] as? String ?? "accepted")", language),
                "reason": entry["reason"] as? String ?? "",
                "expires": Display.dateTime(entry["expires_at"] as? String, language: language),
                "active": entry["is_active"] as? Bool != false,
            ]
        }
        return [
            "posture": posture, "has_posture": !posture.isEmpty, "ports": ports, "has_ports": !ports.isEmpty,
            "risky_count": ports.filter { $0["risk"] != nil }.count, "admins": admins, "has_admins": !admins.isEmpty,
            "overrides": accepted, "has_overrides": !accepted.isEmpty, "has_security": report != nil,
        ]
    }

    /// Installed software by name, filtered by `search` (name or publisher), one page at a time.
    static func software(_ collectors: [String: Any], search: String, page: Int, language: String, renderer: PageRenderer) -> [String: Any] {
        let all = (collectors["software"] as? [String: Any])?["software"] as? [[String: Any]] ?? []
        let needle = search.lowercased()
        let matching = all.filter { item in
            needle.isEmpty || (item["name"] as? String ?? "").lowercased().contains(needle)
                || (item["publisher"] as? String ?? "").lowercased().contains(needle)
        }.sorted { ($0["name"] as? String ?? "").localizedCaseInsensitiveCompare($1["name"] as? String ?? "") == .orderedAscending }
        let pages = max(1, (matching.count + softwarePageSize - 1) / softwarePageSize)
        let current = min(max(page, 1), pages)
        let rows = matching.dropFirst((current - 1) * softwarePageSize).prefix(softwarePageSize).map { item -> [String: Any] in
            [
                "name": item["name"] as? String ?? "", "version": item["version"] as? String ?? "—",
                "publisher": item["publisher"] as? String ?? "", "installed": item["installed_at"] as? String ?? "—",
            ]
        }
        var values: [String: Any] = [
            "software": Array(rows), "has_software": !rows.isEmpty, "software_total": matching.count, "software_all": all.count,
            "software_search": search, "software_page": current, "software_pages": pages, "has_software_data": collectors["software"] != nil,
        ]
        let query = search.isEmpty ? "" : "&q=" + (search.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        if current > 1 { values["software_previous"] = "?tab=software\(query)&page=\(current - 1)" }
        if current < pages { values["software_next"] = "?tab=software\(query)&page=\(current + 1)" }
        return values
    }

    /// Pending updates, security ones first.
    static func patches(_ collectors: [String: Any], language: String, renderer: PageRenderer) -> [String: Any] {
        guard let report = collectors["patches"] as? [String: Any] else { return ["has_patches_data": false] }
        func security(_ update: [String: Any]) -> Bool {
            update["is_important"] as? Bool == true || ["Security", "Critical"].contains(update["category"] as? String ?? "")
        }
        let updates = (report["pending_updates"] as? [[String: Any]] ?? []).sorted { left, right in
            security(left) != security(right) ? security(left) : (left["title"] as? String ?? "") < (right["title"] as? String ?? "")
        }.map { update -> [String: Any] in
            [
                "pill": Pill.make(security(update) ? "critical" : "info", language: language, renderer: renderer),
                "title": update["title"] as? String ?? "", "category": update["category"] as? String ?? "",
                "kb": update["kb"] as? String ?? "", "size": update["size"] as? String ?? "",
            ]
        }
        var values: [String: Any] = [
            "has_patches_data": true, "updates": updates, "has_updates": !updates.isEmpty, "updates_count": updates.count,
            "security_updates_count": updates.filter { ($0["pill"] as? [String: String])?["class"] == "critical" }.count,
            "last_check": Display.dateTime(report["last_check"] as? String, language: language),
        ]
        if report["reboot_required"] as? Bool == true { values["reboot_required"] = true }
        if let automatic = report["auto_update"] as? Bool { values["auto_update"] = renderer.text(automatic ? "yes" : "no", language) }
        return values
    }
}
