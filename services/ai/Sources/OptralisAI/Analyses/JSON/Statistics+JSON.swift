import Foundation

// The statistics as the analyses' responses write them: snake_case, dates in ISO 8601, nil
// values left out.

extension PercentileTrend: Encodable {
    enum CodingKeys: String, CodingKey {
        case windowDays = "window_days", sampleCount = "sample_count", p95, p99, previousP95 = "previous_p95", previousP99 = "previous_p99", trend
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(windowDays, forKey: .windowDays)
        try container.encode(sampleCount, forKey: .sampleCount)
        try container.encode(Degradation.rounded(p95, 2), forKey: .p95)
        try container.encode(Degradation.rounded(p99, 2), forKey: .p99)
        try container.encodeIfPresent(previousP95.map { Degradation.rounded($0, 2) }, forKey: .previousP95)
        try container.encodeIfPresent(previousP99.map { Degradation.rounded($0, 2) }, forKey: .previousP99)
        try container.encode(trend, forKey: .trend)
    }
}

extension Degradation: Encodable {
    enum CodingKeys: String, CodingKey {
        case slopePerDay = "slope_per_day", fittedValue = "current_value", monotonicity, isDegrading = "degrading"
        case criticalThreshold = "critical_threshold", saturationLevel = "saturation_level"
        case predictedCriticalDate = "predicted_critical_date", predictedSaturationDate = "predicted_saturation_date"
        case daysUntilCritical = "days_until_critical", daysUntilSaturation = "days_until_saturation"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.rounded(slopePerDay, 4), forKey: .slopePerDay)
        try container.encode(Self.rounded(fittedValue, 2), forKey: .fittedValue)
        try container.encode(Self.rounded(monotonicity, 2), forKey: .monotonicity)
        try container.encode(isDegrading, forKey: .isDegrading)
        try container.encode(criticalThreshold, forKey: .criticalThreshold)
        try container.encode(saturationLevel, forKey: .saturationLevel)
        try container.encodeIfPresent(predictedCriticalDate, forKey: .predictedCriticalDate)
        try container.encodeIfPresent(predictedSaturationDate, forKey: .predictedSaturationDate)
        try container.encodeIfPresent(daysUntilCritical, forKey: .daysUntilCritical)
        try container.encodeIfPresent(daysUntilSaturation, forKey: .daysUntilSaturation)
    }

    static func rounded(_ value: Double, _ places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}

extension SpikeEpisode: Encodable {
    enum CodingKeys: String, CodingKey {
        case start, end, peak, peakTime = "peak_time", sampleCount = "sample_count"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(start, forKey: .start)
        try container.encode(end, forKey: .end)
        try container.encode(Degradation.rounded(peak, 2), forKey: .peak)
        try container.encode(peakTime, forKey: .peakTime)
        try container.encode(sampleCount, forKey: .sampleCount)
    }
}

extension Intermittence: Encodable {
    enum CodingKeys: String, CodingKey {
        case threshold, episodes, spikeCount = "spike_count", spikeRatio = "spike_ratio", pattern, periodSeconds = "period_seconds"
    }

    /// The 20 latest episodes: a month of spikes would drown the response and the prompt.
    static let listedEpisodes = 20

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(episodes.count, forKey: .spikeCount)
        try container.encode(Array(episodes.suffix(Self.listedEpisodes)), forKey: .episodes)
        try container.encode(Degradation.rounded(spikeRatio, 4), forKey: .spikeRatio)
        try container.encode(pattern, forKey: .pattern)
        try container.encodeIfPresent(period.map { $0.rounded() }, forKey: .periodSeconds)
    }
}

extension DriftAssessment: Encodable {
    enum CodingKeys: String, CodingKey {
        case currentValue = "current_value", zScore = "z_score", severity, driftDetected = "drift_detected"
        case baselineIsReliable = "baseline_reliable"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Degradation.rounded(currentValue, 2), forKey: .currentValue)
        try container.encode(zScore, forKey: .zScore)
        try container.encodeIfPresent(severity, forKey: .severity)
        try container.encode(driftDetected, forKey: .driftDetected)
        try container.encode(baselineIsReliable, forKey: .baselineIsReliable)
    }
}

extension Baseline: Encodable {
    enum CodingKeys: String, CodingKey {
        case mean = "baseline_mean", standardDeviation = "baseline_stddev", p95 = "baseline_p95", sampleCount = "sample_count"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Degradation.rounded(mean, 2), forKey: .mean)
        try container.encode(Degradation.rounded(standardDeviation, 2), forKey: .standardDeviation)
        try container.encode(Degradation.rounded(p95, 2), forKey: .p95)
        try container.encode(sampleCount, forKey: .sampleCount)
    }
}

extension SystemEvent: Encodable {
    enum CodingKeys: String, CodingKey {
        case time = "timestamp", source, eventID = "event_id", level, message
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(time, forKey: .time)
        try container.encode(source, forKey: .source)
        try container.encodeIfPresent(eventID, forKey: .eventID)
        try container.encode(level, forKey: .level)
        try container.encode(message, forKey: .message)
    }
}

extension DiskCapacityPlan: Encodable {
    enum CodingKeys: String, CodingKey {
        case currentUsagePercent = "current_usage_percent", growthGBPerMonth = "growth_rate_gb_per_month"
        case predictedFullDate = "predicted_full_date", daysUntilCritical = "days_until_critical", criticalPercent = "critical_percent"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Degradation.rounded(currentUsagePercent, 1), forKey: .currentUsagePercent)
        try container.encode(Degradation.rounded(growthGBPerMonth, 2), forKey: .growthGBPerMonth)
        // The spec writes the date alone: "predicted_full_date": "2026-04-15".
        try container.encodeIfPresent(predictedFullDate.map { $0.formatted(.iso8601.year().month().day()) }, forKey: .predictedFullDate)
        try container.encodeIfPresent(daysUntilCritical, forKey: .daysUntilCritical)
        try container.encode(criticalPercent, forKey: .criticalPercent)
    }
}

extension MemoryOutlook: Encodable {
    enum CodingKeys: String, CodingKey {
        case averageUsagePercent = "avg_usage_percent", trend
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Degradation.rounded(averageUsagePercent, 1), forKey: .averageUsagePercent)
        try container.encode(trend, forKey: .trend)
    }
}

/// The spec's correlation shape ("Exemple de corrélation détectée"): `metric_spike`,
/// `related_events`, `confidence`; `root_cause` is ours when Claude is absent.
extension EventCorrelation: Encodable {
    enum CodingKeys: String, CodingKey {
        case metricSpike = "metric_spike", relatedEvents = "related_events", confidence, recurrence
    }

    struct Spike: Encodable {
        var type: String
        var value: Double
        var timestamp: Date
        var start: Date
        var end: Date
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(
            Spike(type: metric, value: Degradation.rounded(spike.peak, 2), timestamp: spike.peakTime, start: spike.start, end: spike.end),
            forKey: .metricSpike)
        try container.encode(Array(relatedEvents.suffix(10)), forKey: .relatedEvents)
        try container.encode(confidence, forKey: .confidence)
        try container.encode(recurrence, forKey: .recurrence)
    }
}
