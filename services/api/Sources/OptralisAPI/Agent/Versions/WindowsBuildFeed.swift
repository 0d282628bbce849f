import Foundation

/// Parses endoflife.date's release cycles (`/api/windows.json`, `/api/windows-server.json`: an
/// array of `{"cycle", "releaseLabel", "releaseDate", "latest", …}`) into the builds of
/// `windows_builds`, as "Rafraîchissement depuis endoflife.date API" says: client or server from
/// the cycle, the build number from `latest` ("10.0.26100" → 26100), IoT and Embedded editions
/// and builds older than Windows 10 LTSC 2019 (17763) left out, and names formatted as
/// "Windows 10 LTSC 2019", "Windows 11 (24H2)", "Windows Server 2025".
enum WindowsBuildFeed {
    /// The oldest build the agent supports.
    static let minimumBuild = 17763

    struct Build: Equatable, Sendable {
        let osType: String
        let buildNumber: Int
        let name: String
        let releaseDate: Date?
    }

    struct Cycle: Decodable {
        let cycle: String
        let releaseLabel: String?
        let releaseDate: String?
        let latest: String?

        enum CodingKeys: String, CodingKey { case cycle, releaseLabel, releaseDate, latest }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            // endoflife.date sends some cycles as numbers ("2019" or 2019).
            if let text = try? container.decode(String.self, forKey: .cycle) {
                cycle = text
            } else {
                cycle = String(try container.decode(Int.self, forKey: .cycle))
            }
            releaseLabel = try container.decodeIfPresent(String.self, forKey: .releaseLabel)
            releaseDate = try container.decodeIfPresent(String.self, forKey: .releaseDate)
            latest = try container.decodeIfPresent(String.self, forKey: .latest)
        }
    }

    enum FeedError: Error, CustomStringConvertible {
        case notAnArray
        var description: String { "the feed is not endoflife.date's JSON array of release cycles" }
    }

    /// The builds of one or more feeds, one per (type, build): a general-availability name wins
    /// over an LTSC name of the same build, the first seen otherwise.
    static func builds(fromFeeds feeds: [[UInt8]]) throws -> [Build] {
        var chosen: [String: (build: Build, lts: Bool)] = [:]
        var order: [String] = []
        for feed in feeds {
            let cycles: [Cycle]
            do {
                cycles = try JSONDecoder().decode([Cycle].self, from: Data(feed))
            } catch {
                throw FeedError.notAnArray
            }
            for cycle in cycles {
                guard let (build, lts) = build(cycle) else { continue }
                let key = "\(build.osType):\(build.buildNumber)"
                if let existing = chosen[key] {
                    if existing.lts && !lts { chosen[key] = (build, lts) }
                } else {
                    chosen[key] = (build, lts)
                    order.append(key)
                }
            }
        }
        return order.compactMap { chosen[$0]?.build }
    }

    static func build(_ cycle: Cycle) -> (Build, lts: Bool)? {
        let id = cycle.cycle.lowercased()
        let label = (cycle.releaseLabel ?? "").lowercased()
        guard !id.contains("iot"), !label.contains("iot"), !id.contains("embedded"), !label.contains("embedded") else { return nil }
        guard let latest = cycle.latest, let buildText = latest.split(separator: ".").dropFirst(2).first, let number = Int(buildText),
            number >= minimumBuild
        else { return nil }
        let date = cycle.releaseDate.flatMap(day)
        let parts = id.split(separator: "-").map(String.init)
        // Server cycles: "2022", "server-2022", "2012-r2"…; client cycles start with 10 or 11.
        if let year = parts.first(where: { $0.count == 4 && Int($0) != nil }), !["10", "11"].contains(parts.first ?? "") {
            return (Build(osType: "server", buildNumber: number, name: "Windows Server \(year)", releaseDate: date), false)
        }
        guard let major = parts.first, ["10", "11"].contains(major), parts.count >= 2 else { return nil }
        let release = parts[1].uppercased()
        let lts = parts.contains("lts") || parts.contains("ltsc")
        if lts {
            let year = ltscYears[parts[1]] ?? date.map { String(Calendar(identifier: .gregorian).component(.year, from: $0)) } ?? release
            return (Build(osType: "client", buildNumber: number, name: "Windows \(major) LTSC \(year)", releaseDate: date), true)
        }
        return (Build(osType: "client", buildNumber: number, name: "Windows \(major) (\(release))", releaseDate: date), false)
    }

    /// LTSC editions are named after the year of their channel, not of their release.
    private static let ltscYears = ["1507": "2015", "1607": "2016", "1809": "2019", "21h2": "2021", "24h2": "2024"]

    private static func day(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: text)
    }
}
