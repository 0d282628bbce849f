import Foundation

/// A local safety net over Claude's remediation scripts: whatever the model wrote, a script that
/// deletes, reboots, touches disks, stops services, runs code it downloads or decodes, or makes
/// a file setuid carries a warning saying so, and every script carries at least the advice to
/// review it first.
enum ScriptSafety {
    struct Rule {
        /// Matched case-insensitively anywhere in the code.
        var patterns: [String] = []
        /// Regular expressions (ICU), matched case-insensitively, for shapes a substring cannot
        /// say: a download piped into a shell, whatever the URL between.
        var expressions: [String] = []
        var french: String
        var english: String

        func matches(_ code: String) -> Bool {
            patterns.contains(where: code.contains)
                || expressions.contains { code.range(of: $0, options: [.regularExpression, .caseInsensitive]) != nil }
        }
    }

    private static let shell = #"(sudo\s+(-\S+\s+)*)?(/usr)?(/bin/)?(ba|z|k|da|fi)?sh\b"#

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
        Rule(
            expressions: [
                // curl … | sh, wget -O- … | sudo bash, base64 -d … | sh, xxd -r … | sh
                #"\b(curl|wget|fetch|base64|xxd|openssl\s+(enc|base64))\b[^\n|;&]*\|\s*"# + shell,
                // sh -c "$(curl …)", bash <(wget …), eval "$(curl …)", source <(curl …), . <(curl …)
                #"(\b(ba|z|k|da)?sh\s+(-c\s+)?|\beval\s+|\bsource\s+|(^|[;&|\s])\.\s+)["']?(\$\(|<\(|`)\s*(curl|wget|fetch|base64)\b"#,
                // PowerShell: iex (iwr …), Invoke-Expression …DownloadString(…), irm … | iex
                #"\b(iex|invoke-expression)\b[^\n]*\b(iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring|frombase64string)\b"#,
                #"\b(iwr|irm|invoke-webrequest|invoke-restmethod)\b[^\n|]*\|\s*(iex|invoke-expression)\b"#,
            ],
            french:
                "Ce script exécute du code téléchargé ou décodé sans le vérifier (curl | sh, base64 -d | sh, eval) : téléchargez-le, lisez-le et vérifiez sa somme de contrôle avant de l'exécuter.",
            english:
                "This script runs code it downloads or decodes without checking it (curl | sh, base64 -d | sh, eval): download it, read it and check its checksum before running it."
        ),
        Rule(
            expressions: [#"\bchmod\s+(-\S+\s+)*([ugoa]*\+[rwxXt]*s|[0-7]?[2-7][0-7]{3}\b)"#],
            french: "Ce script rend un fichier setuid ou setgid (chmod +s) : tout utilisateur pourra l'exécuter avec les droits de son propriétaire.",
            english: "This script makes a file setuid or setgid (chmod +s): any user could run it with its owner's rights."),
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
        for rule in rules where rule.matches(code) {
            let warning = language == .fr ? rule.french : rule.english
            if !checked.safetyWarnings.contains(warning) { checked.safetyWarnings.append(warning) }
        }
        if checked.safetyWarnings.isEmpty { checked.safetyWarnings = [reviewAdvice(language)] }
        return checked
    }
}
