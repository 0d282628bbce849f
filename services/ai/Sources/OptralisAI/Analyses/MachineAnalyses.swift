import Foundation
import Logging
import PostgresNIO

/// The machine analyses of `/ai/*` beside the health score: what each reads, through
/// ``MachineAnalysisRunner`` (checks, narrative, stored result). The statistics themselves are
/// the pure builders of `Kinds/`.
struct MachineAnalyses: Sendable {
    let runner: MachineAnalysisRunner

    /// One analysis asked for: the client, its machine, the language (else the client's) and
    /// what some analyses take besides.
    struct Request: Sendable {
        var clientID: UUID
        var machineID: UUID
        var language: AILanguage?
        /// `analyze/trends`: 7 or 30; both when nil.
        var periodDays: Int? = nil
        /// `scripts/generate`: the problem to script against, in the user's words.
        var issue: String? = nil
        var now: Date
    }

    var series: MachineSeriesStore { MachineSeriesStore(client: runner.database, logger: runner.logger) }

    typealias Outcome<Statistics: Encodable & Sendable> = AnalysisOutcome<MachineAnalysisReport<Statistics>>

    func run<Statistics>(
        _ kind: AnalysisKind, _ request: Request,
        _ compute: @Sendable @escaping (MachineAnalysisRunner.Input) async throws -> AnalysisFindings<Statistics>?
    ) async throws -> Outcome<Statistics> {
        try await runner.run(kind, clientID: request.clientID, machineID: request.machineID, language: request.language, now: request.now, compute: compute)
    }

    // MARK: What the analyses read

    /// The hourly roll-ups of the last `days` (60 by default: the trends compare 30 days with the 30 before).
    func longHistory(_ input: MachineAnalysisRunner.Input, days: Int = 60) async throws -> (MachineSeriesStore.Hourly, [MachineSeriesStore.Volume]) {
        let start = input.now.addingTimeInterval(-TimeInterval(days) * .day)
        async let hourly = series.hourly(clientID: input.clientID, machineID: input.machineID, from: start, to: input.now)
        async let volumes = series.volumes(clientID: input.clientID, machineID: input.machineID, from: start, to: input.now)
        return try await (hourly, volumes)
    }

    func recent(_ input: MachineAnalysisRunner.Input, days: Double) async throws -> MachineSeriesStore.Recent {
        try await series.recent(clientID: input.clientID, machineID: input.machineID, from: input.now.addingTimeInterval(-days * .day), to: input.now)
    }

    /// Every event of the last 24 hours and the lookback before: correlation weighs them all,
    /// an informational "installation started" included.
    func correlationEvents(_ input: MachineAnalysisRunner.Input) async throws -> [SystemEvent] {
        let start = input.now.addingTimeInterval(-TimeInterval(CorrelationStatistics.windowHours) * 3600 - CorrelationAnalysis().lookback)
        return try await series.events(clientID: input.clientID, machineID: input.machineID, levels: LogPattern.levels, from: start, to: input.now)
    }

    func healthScore(_ input: MachineAnalysisRunner.Input) async throws -> (HealthInputs, HealthScore?)? {
        guard
            let inputs = try await HealthInputsStore(client: runner.database, logger: runner.logger).inputs(
                clientID: input.clientID, machineID: input.machineID, now: input.now)
        else { return nil }
        return (inputs, HealthScore(inputs, now: input.now, previousOverall: nil))
    }

    func recommendations(_ input: MachineAnalysisRunner.Input) async throws -> LocalRecommendations? {
        guard let (inputs, score) = try await healthScore(input) else { return nil }
        let (hourly, volumes) = try await longHistory(input, days: 2 * CapacityStatistics.windowDays)
        let capacity = CapacityStatistics(volumes: volumes, ram: hourly.ramAverage, now: input.now, language: input.context.language)
        guard score != nil || !capacity.isEmpty || inputs.security != nil else { return nil }
        return LocalRecommendations.make(inputs: inputs, score: score, capacity: capacity, language: input.context.language)
    }

    /// The week of hourly means against the last hour, judged, and kept in `metric_baselines` as the drift routine does.
    func anomalies(_ input: MachineAnalysisRunner.Input) async throws -> AnalysisFindings<AnomalyStatistics>? {
        let store = BaselineStore(client: runner.database, logger: runner.logger)
        let measures = try await store.measure(clientID: input.clientID, machineIDs: [input.machineID], now: input.now)
        try await store.save(clientID: input.clientID, DriftRefresh.records(measures))
        return AnomalyStatistics.findings(measures, language: input.context.language)
    }

    func logs(_ input: MachineAnalysisRunner.Input) async throws -> AnalysisFindings<LogStatistics> {
        let events = try await series.events(
            clientID: input.clientID, machineID: input.machineID, levels: LogStatistics.levels,
            from: input.now.addingTimeInterval(-TimeInterval(LogStatistics.windowDays) * .day), to: input.now)
        return LogStatistics.findings(events, language: input.context.language)
    }
}
