import Logging
import PostgresNIO

/// Group commit for `POST /agent/collect` and `/agent/collect/batch`: a request's posts (one, or
/// a batch post's) go into the next batch together, one statement (``CollectWriter``); each post's
/// answer says whether it was stored (false: it repeats a sequence already stored).
typealias CollectCommitter = GroupCommit<[CollectItem], [Bool]>

extension GroupCommit where Request == [CollectItem], Answer == [Bool] {
    init(writer: CollectWriter, maximumBatch: Int = 1_000, logger: Logger) {
        self.init(metrics: "api_agent_collect", maximumBatch: maximumBatch, size: \.count, logger: logger) { requests in
            do {
                var stored = try await writer.write(requests.flatMap { $0 })[...]
                return requests.map { request in
                    defer { stored = stored.dropFirst(request.count) }
                    return Array(stored.prefix(request.count))
                }
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
                // A post for a machine deleted since its certificate was checked is a 404, not a 500.
                throw APIError.machineGone
            }
        }
    }

    /// Stores the post; true when stored, false when it repeats a sequence already stored.
    func submit(_ item: CollectItem) async throws -> Bool {
        try await submit([item])[0]
    }
}
