import Foundation
import Synchronization
import Testing

@testable import OptralisAPI

@Suite("The replica's copy of the latest agent versions")
struct LatestVersionCacheTests {
    static let key = LatestVersionCache.Key(channel: "stable", platform: "linux", architecture: "amd64")

    static func version(_ number: String) -> AgentCatalog.Version {
        AgentCatalog.Version(
            id: UUID(), version: number, channel: "stable", platform: "linux", architecture: "amd64", downloadURL: "https://dl.test/\(number)",
            checksumSHA256: String(repeating: "a", count: 64), fileSizeBytes: 1, changelog: "", isActive: true, createdAt: Date())
    }

    @Test func a_version_is_read_once_per_key_until_cleared() async throws {
        let cache = LatestVersionCache()
        let loads = Atomic(0)
        func read(_ number: String, key: LatestVersionCache.Key = Self.key) async throws -> String? {
            try await cache.version(key) {
                loads.add(1, ordering: .relaxed)
                return number.isEmpty ? nil : Self.version(number)
            }?.version
        }
        #expect(try await read("1.0.0") == "1.0.0")
        #expect(try await read("2.0.0") == "1.0.0", "kept")
        #expect(try await read("", key: .init(channel: "beta", platform: "linux", architecture: "amd64")) == nil)
        #expect(try await read("3.0.0", key: .init(channel: "beta", platform: "linux", architecture: "amd64")) == nil, "no version is kept too")
        #expect(loads.load(ordering: .relaxed) == 2)
        cache.removeAll()
        #expect(try await read("2.0.0") == "2.0.0")
        #expect(loads.load(ordering: .relaxed) == 3)
    }

    @Test func a_read_that_began_before_a_clear_does_not_keep_what_it_read() async throws {
        let cache = LatestVersionCache()
        let stale = try await cache.version(Self.key) {
            // A version published while this read was under way.
            cache.removeAll()
            return Self.version("1.0.0")
        }
        #expect(stale?.version == "1.0.0")
        #expect(try await cache.version(Self.key) { Self.version("2.0.0") }?.version == "2.0.0")
    }
}
