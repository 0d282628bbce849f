import Foundation
import OptralisCore

/// The databases an agent collects from, for its configuration reply on the mTLS port: only
/// its own machine's, their passwords opened here and nowhere else. A password that no longer
/// opens (the key changed) goes as null; the agent then reports the database unreachable.
struct DatabaseTargets: Sendable {
    let store: DatabaseStore
    let sealer: CredentialSealer

    func forAgent(_ machine: AgentIdentity) async throws -> [DatabaseTarget] {
        try await store.targets(machineID: machine.machineID, clientID: machine.clientID).map { target, sealed in
            var target = target
            target.password = sealed.flatMap { sealer.open($0, for: target.id) }
            return target
        }
    }
}
