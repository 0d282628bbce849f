import Foundation

/// One method per `/ai/*` machine analysis.
extension MachineAnalyses {
    func trends(_ request: Request) async throws -> Outcome<TrendStatistics> {
        let periods = request.periodDays.map { [$0] } ?? PercentileTrend.standardWindows
        return try await run(.trends, request) { input in
            let (hourly, volumes) = try await longHistory(input, days: 2 * (periods.max() ?? 30))
            return TrendStatistics.findings(MetricSeries.standard(hourly, volumes: volumes), periods: periods, now: input.now, language: input.context.language)
        }
    }

    func anomalies(_ request: Request) async throws -> Outcome<AnomalyStatistics> {
        try await run(.anomalies, request) { try await anomalies($0) }
    }

    func logs(_ request: Request) async throws -> Outcome<LogStatistics> {
        try await run(.logs, request) { try await logs($0) }
    }

    func recommendations(_ request: Request) async throws -> Outcome<LocalRecommendations> {
        try await run(.recommendations, request) { input in
            try await recommendations(input)?.findings(language: input.context.language)
        }
    }

    func scripts(_ request: Request) async throws -> Outcome<DiagnosticScripts> {
        try await run(.scripts, request) { input in
            guard let recommendations = try await recommendations(input) else { return nil }
            return DiagnosticScripts.make(
                for: recommendations.recommendations, windows: input.context.isWindows, issue: request.issue, language: input.context.language
            ).findings(language: input.context.language)
        }
    }

    /// Logs, anomalies and recommendations in one analysis.
    func full(_ request: Request) async throws -> Outcome<CombinedStatistics> {
        try await run(.full, request) { input in
            var combined = CombinedStatistics()
            combined.add("logs", try await logs(input))
            combined.add("anomalies", try await anomalies(input))
            combined.add("recommendations", try await recommendations(input)?.findings(language: input.context.language))
            return combined.findings()
        }
    }

    func degradation(_ request: Request) async throws -> Outcome<DegradationStatistics> {
        try await run(.degradation, request) { input in
            let (hourly, volumes) = try await longHistory(input, days: DegradationStatistics.windowDays)
            return DegradationStatistics.findings(MetricSeries.standard(hourly, volumes: volumes), now: input.now, language: input.context.language)
        }
    }

    func intermittent(_ request: Request) async throws -> Outcome<IntermittenceStatistics> {
        try await run(.intermittent, request) { input in
            IntermittenceStatistics.findings(try await recent(input, days: Double(IntermittenceStatistics.windowDays)), language: input.context.language)
        }
    }

    func correlate(_ request: Request) async throws -> Outcome<CorrelationStatistics> {
        try await run(.correlation, request) { input in
            async let recent = recent(input, days: Double(CorrelationStatistics.windowHours) / 24)
            async let events = correlationEvents(input)
            return CorrelationStatistics.findings(try await recent, events: try await events, language: input.context.language)
        }
    }

    /// Health score, trends, degradation, correlations, intermittence and capacity in one analysis.
    func predictiveMaintenance(_ request: Request) async throws -> Outcome<CombinedStatistics> {
        try await run(.predictiveMaintenance, request) { input in
            let language = input.context.language
            async let history = longHistory(input)
            async let week = recent(input, days: Double(IntermittenceStatistics.windowDays))
            async let events = correlationEvents(input)
            async let health = healthScore(input)
            let (hourly, volumes) = try await history
            let recentWeek = try await week
            let dayStart = input.now.addingTimeInterval(-TimeInterval(CorrelationStatistics.windowHours) * 3600)
            let lastDay = MachineSeriesStore.Recent(
                cpu: recentWeek.cpu.filter { $0.time > dayStart }, ram: recentWeek.ram.filter { $0.time > dayStart },
                diskLatencyMs: recentWeek.diskLatencyMs.filter { $0.time > dayStart }, ioWaitPercent: recentWeek.ioWaitPercent.filter { $0.time > dayStart })
            let series = MetricSeries.standard(hourly, volumes: volumes)
            var combined = CombinedStatistics()
            let score = try await health?.1
            combined.add("health_score", score.map { HealthScoreAnalysis.findings($0, language: language) })
            combined.add("trends", TrendStatistics.findings(series, periods: PercentileTrend.standardWindows, now: input.now, language: language))
            combined.add("degradation", DegradationStatistics.findings(series, now: input.now, language: language))
            combined.add("correlations", CorrelationStatistics.findings(lastDay, events: try await events, language: language))
            combined.add("intermittent", IntermittenceStatistics.findings(recentWeek, language: language))
            let capacity = CapacityStatistics(volumes: volumes, ram: hourly.ramAverage, now: input.now, language: language)
            if !capacity.isEmpty {
                combined.add("capacity_planning", AnalysisFindings(statistics: capacity, issues: capacity.issues(language: language), summary: ""))
            }
            return combined.findings(leading: score.map { HealthScoreAnalysis.summary($0, language: language) })
        }
    }
}
