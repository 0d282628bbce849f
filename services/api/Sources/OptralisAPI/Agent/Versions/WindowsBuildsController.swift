import Foundation
import Hummingbird
import OptralisCore
import OptralisCurl

/// The Windows build names of the dashboard: `GET /api/windows-versions` (cached mapping of
/// build numbers to names) and its `refresh` (an admin rebuilds the cached mapping from the
/// table); for the super_admin `GET /api/admin/windows-builds` (grouped by type) and
/// `POST /api/admin/windows-builds/refresh`, which fetches endoflife.date's feeds
/// (`WINDOWS_BUILDS_URLS`) and upserts what they list.
struct WindowsBuildsController {
    let builds: WindowsBuildStore
    let http: CurlClient
    let feedURLs: [String]
    let cache: FleetCache
    let activity: ActivityLogger

    struct Versions: ResponseEncodable, Codable {
        /// build number (as text) → name, per type.
        let client: [String: String]
        let server: [String: String]
        let builds: [WindowsBuildStore.Build]
    }

    struct Grouped: ResponseEncodable {
        let client: [WindowsBuildStore.Build]
        let server: [WindowsBuildStore.Build]
    }

    struct Refreshed: ResponseEncodable {
        let success = true
        let inserted: Int
        let updated: Int
        let received: Int
        let total: Int
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("windows-versions") { _, _ -> Versions in
            try await cache.value(.windowsVersions) { try await versions() }
        }
        group.post("windows-versions/refresh") { _, context -> Versions in
            await cache.invalidate(.windowsVersions)
            let identity = try context.requireIdentity()
            await activity.record(
                .system, "Versions Windows rafraîchies", clientID: try identity.requireClient(), userID: identity.userID, ip: context.clientIP)
            return try await cache.value(.windowsVersions) { try await versions() }
        }
    }

    func addAdminRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("windows-builds") { _, _ -> Grouped in
            let all = try await builds.all()
            return Grouped(client: all.filter { $0.osType == "client" }, server: all.filter { $0.osType == "server" })
        }
        group.post("windows-builds/refresh") { _, context -> Refreshed in
            var feeds: [[UInt8]] = []
            for url in feedURLs {
                let response: OutboundResponse
                do {
                    response = try await http.send(OutboundRequest(url: url, headers: [("Accept", "application/json")], timeout: .seconds(20)))
                } catch {
                    throw AgentVersionError.feedUnreachable(url, error)
                }
                guard response.status == 200 else { throw AgentVersionError.feedStatus(url, response.status) }
                feeds.append(response.body)
            }
            let parsed: [WindowsBuildFeed.Build]
            do {
                parsed = try WindowsBuildFeed.builds(fromFeeds: feeds)
            } catch {
                throw AgentVersionError.feedInvalid(error)
            }
            let (inserted, updated) = try await builds.upsert(parsed)
            await cache.invalidate(.windowsVersions)
            await activity.record(
                .system, "Builds Windows rafraîchis", metadata: ["inserted": String(inserted), "updated": String(updated)],
                userID: try context.requireIdentity().userID, ip: context.clientIP)
            return Refreshed(inserted: inserted, updated: updated, received: parsed.count, total: try await builds.all().count)
        }
    }

    private func versions() async throws -> Versions {
        let active = try await builds.all().filter(\.isActive)
        func names(_ type: String) -> [String: String] {
            Dictionary(active.filter { $0.osType == type }.map { (String($0.buildNumber), $0.name) }) { first, _ in first }
        }
        return Versions(client: names("client"), server: names("server"), builds: active)
    }
}
