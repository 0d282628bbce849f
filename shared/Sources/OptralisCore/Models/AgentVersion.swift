/// Agent version numbers: dot-separated integers, an optional leading "v", an optional
/// pre-release suffix after "-" (which sorts before the release, as in SemVer). The api offers
/// only newer versions; the agent installs only newer versions, whatever a server offers.
public enum AgentVersion {
    public static func isNewer(_ candidate: String, than installed: String) -> Bool {
        let (a, b) = (parse(candidate), parse(installed))
        for index in 0..<max(a.numbers.count, b.numbers.count) {
            let (x, y) = (index < a.numbers.count ? a.numbers[index] : 0, index < b.numbers.count ? b.numbers[index] : 0)
            if x != y { return x > y }
        }
        return a.isPrerelease == false && b.isPrerelease
    }

    private static func parse(_ version: String) -> (numbers: [Int], isPrerelease: Bool) {
        let trimmed = version.hasPrefix("v") ? version.dropFirst() : Substring(version)
        let parts = trimmed.split(separator: "-", maxSplits: 1)
        return ((parts.first ?? "").split(separator: ".").map { Int($0) ?? 0 }, parts.count > 1)
    }
}
