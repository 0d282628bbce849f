import Foundation

/// The drift routine's core ("Drift Detection - Fonctionnement", steps 1–3 and 5): measure each
/// machine's 7-day baselines, judge the last hour against them, store the result in
/// `metric_baselines`. Step 4, Claude's explanation, is added to drifting rows afterwards.
struct DriftRefresh: Sendable {
    let store: BaselineStore

    /// The rows written, one per machine and metric that has a baseline.
    @discardableResult
    func refresh(clientID: UUID, machineIDs: [UUID], now: Date) async throws -> [BaselineRecord] {
        let records = Self.records(try await store.measure(clientID: clientID, machineIDs: machineIDs, now: now))
        try await store.save(clientID: clientID, records)
        return records
    }

    /// The rows of the measures that have a baseline.
    static func records(_ measures: [BaselineStore.Measure]) -> [BaselineRecord] {
        measures.compactMap { measure in
            measure.baseline.map { BaselineRecord(machineID: measure.machineID, metric: measure.metric, baseline: $0, current: measure.current) }
        }
    }
}
