import Foundation
import OptralisCore
import OptralisServer

/// One `POST /agent/collect/batch` body: `{"posts": [<collect post>, …]}`, the posts an agent
/// has due at once (each exactly what `POST /agent/collect` takes, with its own collector
/// sequence). Each post is decoded and checked on its own: a refused one is reported in its
/// result and does not hold back the others, which are stored together.
struct CollectBatch: Sendable {
    static let maximumPosts = 64

    /// Each post in the order sent: accepted, or the 400 it would have had alone (with its
    /// collector and sequence when they could be read).
    let posts: [Post]

    struct Post: Sendable {
        let collector: String?
        let sequence: Int64?
        let outcome: Result<CollectPayload, AppError>
    }

    static func decode(_ body: Data, receivedAt now: Date = Date()) throws -> CollectBatch {
        let envelope = try AgentPayloadError.decode(Envelope.self, from: body, with: CollectPayload.decoder)
        guard (1...maximumPosts).contains(envelope.posts.count) else {
            throw AgentError.invalidPayload("posts must hold 1 to \(maximumPosts) posts")
        }
        return CollectBatch(
            posts: envelope.posts.map { entry in
                let outcome = entry.payload.flatMap { envelope -> Result<CollectPayload, AppError> in
                    do { return .success(try CollectPayload(checking: envelope, receivedAt: now)) } catch let error as AppError { return .failure(error) } catch
                    {
                        return .failure(AgentError.invalidPayload("the post is invalid"))
                    }
                }
                return Post(collector: entry.collector, sequence: entry.sequence, outcome: outcome)
            })
    }

    private struct Envelope: Decodable {
        let posts: [Entry]
    }

    /// A post that failed to decode keeps its error instead of failing the whole body.
    private struct Entry: Decodable {
        let payload: Result<CollectPayload.Envelope, AppError>
        let collector: String?
        let sequence: Int64?

        private enum Head: String, CodingKey { case collector, sequence }

        init(from decoder: any Decoder) throws {
            do {
                payload = .success(try CollectPayload.Envelope(from: decoder))
            } catch let error as DecodingError {
                payload = .failure(AgentPayloadError.invalid(DecodingProblem(error).relative(toElementOf: "posts")))
            } catch let error as AppError {
                payload = .failure(error)
            }
            let head = try? decoder.container(keyedBy: Head.self)
            collector = try? head?.decodeIfPresent(String.self, forKey: .collector)
            sequence = try? head?.decodeIfPresent(Int64.self, forKey: .sequence)
        }
    }
}
