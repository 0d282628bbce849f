import Foundation

/// Machine criticality from host names ("Configuration IA", "Patterns auto-détectés"): the
/// client's own patterns first, then the spec's, in the spec's order; the first pattern the
/// host name contains (case-insensitive) decides. "DEV-SQL-01" is critical: a database pattern
/// comes before the non-production ones.
enum CriticalityRules {
    struct Pattern: Codable, Sendable, Equatable {
        let pattern: String
        let criticality: String
        let reason: String
    }

    static let levels: Set<String> = ["critical", "important", "standard"]

    static let builtIn: [Pattern] = [
        ("PROD", "critical", "Production"), ("PRD", "critical", "Production"),
        ("SQL", "critical", "Base de données"), ("DB", "critical", "Base de données"), ("BDD", "critical", "Base de données"),
        ("WMS", "critical", "Métier critique"), ("ERP", "critical", "Métier critique"), ("SAP", "critical", "Métier critique"),
        ("COMPTA", "critical", "Finance"), ("PAIE", "critical", "Finance"),
        ("WEB", "important", "Services exposés"), ("WWW", "important", "Services exposés"), ("API", "important", "Services exposés"),
        ("MAIL", "important", "Communication"), ("SMTP", "important", "Communication"),
        ("DEV", "standard", "Non-prod"), ("TEST", "standard", "Non-prod"), ("UAT", "standard", "Non-prod"),
        ("BACKUP", "standard", "Secondaire"), ("BKP", "standard", "Secondaire"),
    ].map { Pattern(pattern: $0.0, criticality: $0.1, reason: $0.2) }

    /// The first pattern `hostname` contains, custom patterns first.
    static func classify(_ hostname: String, custom: [Pattern]) -> Pattern? {
        let name = hostname.uppercased()
        return (custom + builtIn).first { name.contains($0.pattern.uppercased()) }
    }
}
