#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// One of the agent's collectors: reads the system and returns the `data` of one
/// `POST /agent/collect` (the shared models of `OptralisCore`, "Collectors (8 types)").
/// A platform implements each kind; Linux is the one built here.
public protocol Collector: Sendable {
    associatedtype Report: Codable & Sendable
    /// The `collector` value of the post: metrics, storage, storage_health, network, services,
    /// security, software, patches or events.
    static var kind: String { get }
    func collect() async throws -> Report
}
