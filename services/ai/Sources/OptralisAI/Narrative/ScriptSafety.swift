/// A local safety net over Claude's remediation scripts: whatever the model wrote, a script that
/// deletes, reboots, touches disks or stops services carries a warning saying so, and every
/// script carries at least the advice to review it first.
enum ScriptSafety {
    struct Rule {
        /// Matched case-insensitively anywhere in the code.
        var patterns: [String]
        var french: String
        var english: String
    }

    static let rules: [Rule] = [
        Rule(
            patterns: ["rm -r", "rm -f", "remove-item", "rmdir", "del /", "drop table", "truncate "],
            french: "Ce script supprime des fichiers ou des données : vérifiez les chemins et ayez une sauvegarde.",
            english: "This script deletes files or data: check the paths and have a backup."),
        Rule(
            patterns: ["reboot", "shutdown", "restart-computer", "stop-computer", "init 6", "poweroff"],
            french: "Ce script redémarre ou arrête la machine : prévoyez une fenêtre de maintenance.",
            english: "This script restarts or shuts down the machine: plan a maintenance window."),
        Rule(
            patterns: ["mkfs", "dd if=", "format-volume", "diskpart", "fdisk", "parted "],
            french: "Ce script modifie des disques ou des partitions : une erreur peut effacer des données.",
            english: "This script changes disks or partitions: a mistake can erase data."),
        Rule(
            patterns: ["systemctl stop", "systemctl restart", "stop-service", "restart-service", "service stop", "net stop"],
            french: "Ce script arrête ou redémarre un service : il sera indisponible quelques instants.",
            english: "This script stops or restarts a service: it will be unavailable for a moment."),
    ]

    static func reviewAdvice(_ language: AILanguage) -> String {
        switch language {
        case .fr: "Relisez ce script et testez-le sur une machine hors production avant de l'exécuter."
        case .en: "Read this script and try it on a non-production machine before running it."
        }
    }

    /// The script with the warnings its code calls for added to its own (no duplicates).
    static func checked(_ script: RemediationScript, language: AILanguage) -> RemediationScript {
        let code = script.code.lowercased()
        var checked = script
        for rule in rules where rule.patterns.contains(where: code.contains) {
            let warning = language == .fr ? rule.french : rule.english
            if !checked.safetyWarnings.contains(warning) { checked.safetyWarnings.append(warning) }
        }
        if checked.safetyWarnings.isEmpty { checked.safetyWarnings = [reviewAdvice(language)] }
        return checked
    }
}
