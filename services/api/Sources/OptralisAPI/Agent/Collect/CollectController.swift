import Foundation
import Hummingbird
import Metrics
import OptralisCore

/// `POST /agent/collect` and `POST /agent/collect/batch`: an agent's collected data, checked
/// (``CollectPayload``), written by the group commit (``CollectCommitter``, ``CollectWriter``).
struct CollectController {
    let committer: CollectCommitter

    struct Collected: ResponseEncodable {
        /// `stored`, or `duplicate` for a retry of a post already stored (nothing written).
        let status: String
        let collector: String
        let sequence: Int64
    }
    /// `POST /agent/collect/batch`: each post's outcome, in the order sent.
    struct BatchCollected: ResponseEncodable {
        let results: [Outcome]

        struct Outcome: Encodable {
            let collector: String?
            let sequence: Int64?
            /// `stored`, `duplicate`, or `rejected` (with the 400's `error` and `code`: not stored, not to be sent again).
            let status: String
            let error: String?
            let code: String?
        }
    }
    func addRoutes(to agent: RouterGroup<AgentRequestContext>) {
        agent.post("collect") { request, context -> Collected in
            let machine = try context.requireAgent()
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let payload = try CollectPayload.decode(Data(buffer: body))
            let stored = try await committer.submit(CollectItem(machineID: machine.machineID, payload: payload))
            Self.count(payload.kind, stored: stored)
            return Collected(status: stored ? "stored" : "duplicate", collector: payload.kind.rawValue, sequence: payload.sequence)
        }
        agent.post("collect/batch") { request, context -> BatchCollected in
            let machine = try context.requireAgent()
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let batch = try CollectBatch.decode(Data(buffer: body))
            let accepted = batch.posts.compactMap { try? $0.outcome.get() }
            var stored = accepted.isEmpty ? [] : try await committer.submit(accepted.map { CollectItem(machineID: machine.machineID, payload: $0) })[...]
            return BatchCollected(
                results: batch.posts.map { post in
                    switch post.outcome {
                    case .success(let payload):
                        let isStored = stored.popFirst() ?? false
                        Self.count(payload.kind, stored: isStored)
                        return .init(
                            collector: payload.kind.rawValue, sequence: payload.sequence, status: isStored ? "stored" : "duplicate", error: nil, code: nil)
                    case .failure(let error):
                        Counter(
                            label: "api_agent_collect_total",
                            dimensions: [("collector", post.collector.flatMap(CollectKind.init)?.rawValue ?? "unknown"), ("outcome", "rejected")]
                        )
                        .increment()
                        return .init(collector: post.collector, sequence: post.sequence, status: "rejected", error: error.message, code: error.code)
                    }
                })
        }
    }

    /// `api_agent_collect_total` by collector and outcome; the counters are made once.
    private static let counters: [CollectKind: (stored: Counter, duplicate: Counter)] = Dictionary(
        uniqueKeysWithValues: CollectKind.allCases.map { kind in
            let counter = { (outcome: String) in
                Counter(label: "api_agent_collect_total", dimensions: [("collector", kind.rawValue), ("outcome", outcome)])
            }
            return (kind, (counter("stored"), counter("duplicate")))
        })

    private static func count(_ kind: CollectKind, stored: Bool) {
        guard let counter = counters[kind] else { return }
        (stored ? counter.stored : counter.duplicate).increment()
    }
}
