import Foundation

/// "Planification de Capacité": each volume's growth over the last 30 days of hourly roll-ups
/// projected to full and to 90 %, and the memory's average and trend, each with advice.
/// Encoded as the spec's example: `{"disk:/": {…}, "ram": {…}}`.
struct CapacityStatistics: Sendable, Encodable {
    struct Volume: Sendable {
        var mountPoint: String
        var plan: DiskCapacityPlan
        var recommendation: String
    }

    struct Memory: Sendable {
        var outlook: MemoryOutlook
        var recommendation: String
    }

    var volumes: [Volume]
    var memory: Memory?

    static let windowDays = 30
    /// Less than this many days to the critical level calls for action now.
    static let urgentDays = 30

    init(volumes: [MachineSeriesStore.Volume], ram: [Sample], now: Date, language: AILanguage) {
        self.volumes = volumes.compactMap { volume in
            guard let total = volume.totalGB else { return nil }
            let used = volume.usedPercent.map { Sample(time: $0.time, value: $0.value * total / 100) }
            guard let plan = DiskCapacityPlan(usedGB: used, totalGB: total, now: now) else { return nil }
            return Volume(mountPoint: volume.mountPoint, plan: plan, recommendation: Self.advice(plan, language: language))
        }
        memory = MemoryOutlook(ram, now: now, windowDays: Self.windowDays).map { Memory(outlook: $0, recommendation: Self.advice($0, language: language)) }
    }

    var isEmpty: Bool { volumes.isEmpty && memory == nil }

    func issues(language: AILanguage) -> [AnalysisIssue] {
        volumes.compactMap { volume in
            guard let days = volume.plan.daysUntilCritical, days <= Self.urgentDays else { return nil }
            let name = "disk:\(volume.mountPoint)"
            return AnalysisIssue(
                category: name, title: wording(language, fr: "\(name) : seuil critique dans \(days) jours", en: "\(name): critical in \(days) days"),
                description: volume.recommendation, severity: days <= 7 ? .critical : .high)
        }
    }

    static func advice(_ plan: DiskCapacityPlan, language: AILanguage) -> String {
        let growth = format(plan.growthGBPerMonth)
        switch plan.daysUntilCritical {
        case .some(0):
            return wording(language, fr: "Au-delà du seuil critique : libérer de l'espace maintenant.", en: "Past the critical level: free space now.")
        case .some(let days) where days <= urgentDays:
            return wording(
                language, fr: "Seuil critique dans \(days) jours à +\(growth) Go/mois : agrandir le volume ou nettoyer.",
                en: "Critical level in \(days) days at +\(growth) GB/month: grow the volume or clean up.")
        case .some(let days):
            return wording(
                language, fr: "Croissance de \(growth) Go/mois, seuil critique dans \(days) jours : surveiller.",
                en: "Growing \(growth) GB/month, critical in \(days) days: keep an eye on it.")
        case .none:
            return wording(language, fr: "Pas de croissance notable.", en: "No notable growth.")
        }
    }

    static func advice(_ outlook: MemoryOutlook, language: AILanguage) -> String {
        if outlook.averageUsagePercent >= 85 {
            return wording(language, fr: "Ajouter de la mémoire ou réduire la charge.", en: "Add memory or reduce the load.")
        }
        if outlook.averageUsagePercent >= 75 || outlook.trend == .increasing {
            return wording(language, fr: "Surveiller - proche du seuil critique.", en: "Keep an eye on it: close to the critical level.")
        }
        return wording(language, fr: "Marge suffisante.", en: "Enough headroom.")
    }

    private struct Entry<Figures: Encodable>: Encodable {
        var figures: Figures
        var fields: [String: String]

        func encode(to encoder: any Encoder) throws {
            try figures.encode(to: encoder)
            var container = encoder.container(keyedBy: DynamicKey.self)
            for (key, value) in fields { try container.encode(value, forKey: DynamicKey(key)) }
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        for volume in volumes {
            try container.encode(
                Entry(figures: volume.plan, fields: ["mount_point": volume.mountPoint, "recommendation": volume.recommendation]),
                forKey: DynamicKey("disk:\(volume.mountPoint)"))
        }
        if let memory {
            try container.encode(Entry(figures: memory.outlook, fields: ["recommendation": memory.recommendation]), forKey: DynamicKey("ram"))
        }
    }
}
