import Foundation

/// The machines of one site as counted by ``SiteStore/figures(clientID:siteID:)``.
struct SiteFigures: Sendable {
    let siteID: UUID
    let name: String
    let location: String?
    let timezone: String

    let tally: Tally

    /// Counts over a set of machines: how many, how many have a health score, the scores' sum,
    /// how many are online, the lowest score.
    struct Tally: Sendable {
        let machines: Int
        let scored: Int
        let scoreSum: Int
        let online: Int
        let lowestScore: Int?

        /// The spec's `CalculateAggregatedHealthScore`: the mean of the machines' health scores,
        /// 100 when there is none. A machine not scored yet (`health_score` NULL) is left out
        /// rather than counted as 0 (the spec's Go struct would read it as 0, which would sink a
        /// site for machines merely enrolled). One decimal.
        var healthScore: Double {
            guard scored > 0 else { return 100 }
            return (Double(scoreSum) / Double(scored) * 10).rounded() / 10
        }

        static func + (lhs: Tally, rhs: Tally) -> Tally {
            Tally(
                machines: lhs.machines + rhs.machines, scored: lhs.scored + rhs.scored, scoreSum: lhs.scoreSum + rhs.scoreSum,
                online: lhs.online + rhs.online,
                lowestScore: [lhs.lowestScore, rhs.lowestScore].compactMap { $0 }.min())
        }

        static let zero = Tally(machines: 0, scored: 0, scoreSum: 0, online: 0, lowestScore: nil)
    }
}

/// `GET /api/sites/:id/health`, and one site of the overview.
struct SiteHealth: Encodable, Sendable {
    let siteID: UUID
    let name: String
    let location: String?
    let timezone: String
    let healthScore: Double
    let machineCount: Int
    let scoredMachines: Int
    let online: Int
    let offline: Int
    let lowestScore: Int?
    /// Overview only: the site's score minus the consolidated score, and its rank (1: healthiest).
    var differenceFromOverall: Double?
    var rank: Int?

    enum CodingKeys: String, CodingKey {
        case name, location, timezone, online, offline, rank
        case siteID = "site_id", healthScore = "health_score", machineCount = "machine_count", scoredMachines = "scored_machines",
            lowestScore = "lowest_score", differenceFromOverall = "difference_from_overall"
    }

    /// `location` and `lowest_score` are written as null when empty; `rank` and
    /// `difference_from_overall` only in the overview.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(siteID, forKey: .siteID)
        try container.encode(name, forKey: .name)
        try container.encode(location, forKey: .location)
        try container.encode(timezone, forKey: .timezone)
        try container.encode(healthScore, forKey: .healthScore)
        try container.encode(machineCount, forKey: .machineCount)
        try container.encode(scoredMachines, forKey: .scoredMachines)
        try container.encode(online, forKey: .online)
        try container.encode(offline, forKey: .offline)
        try container.encode(lowestScore, forKey: .lowestScore)
        try container.encodeIfPresent(differenceFromOverall, forKey: .differenceFromOverall)
        try container.encodeIfPresent(rank, forKey: .rank)
    }

    init(_ figures: SiteFigures) {
        let tally = figures.tally
        (siteID, name, location, timezone) = (figures.siteID, figures.name, figures.location, figures.timezone)
        (healthScore, machineCount, scoredMachines) = (tally.healthScore, tally.machines, tally.scored)
        (online, offline, lowestScore) = (tally.online, tally.machines - tally.online, tally.lowestScore)
    }
}

/// `GET /api/sites/overview`: the consolidated score of every site's machines (the spec's
/// aggregated score), each site compared with it and ranked, and the machines of no site apart
/// (they count in no site's score nor in the consolidated one).
struct SitesOverview: Encodable, Sendable {
    let healthScore: Double
    let siteCount: Int
    let machineCount: Int
    let online: Int
    let offline: Int
    let sites: [SiteHealth]
    let unassigned: Unassigned

    struct Unassigned: Encodable, Sendable {
        let machineCount: Int
        let healthScore: Double
        enum CodingKeys: String, CodingKey { case machineCount = "machine_count", healthScore = "health_score" }
    }

    enum CodingKeys: String, CodingKey {
        case online, offline, sites, unassigned
        case healthScore = "health_score", siteCount = "site_count", machineCount = "machine_count"
    }

    init(sites figures: [SiteFigures], unassigned: SiteFigures.Tally) {
        let total = figures.reduce(SiteFigures.Tally.zero) { $0 + $1.tally }
        let overall = total.healthScore
        // Healthiest first; ties by name (the store's order, kept by a stable sort).
        let ranked = figures.enumerated().sorted { ($0.element.tally.healthScore, -$0.offset) > ($1.element.tally.healthScore, -$1.offset) }
        sites = ranked.enumerated().map { rank, entry in
            var site = SiteHealth(entry.element)
            site.rank = rank + 1
            site.differenceFromOverall = ((site.healthScore - overall) * 10).rounded() / 10
            return site
        }
        (healthScore, siteCount, machineCount, online, offline) = (overall, figures.count, total.machines, total.online, total.machines - total.online)
        self.unassigned = Unassigned(machineCount: unassigned.machines, healthScore: unassigned.healthScore)
    }
}
