import Foundation
@testable import OptralisAI
import Testing

/// The local findings of each analysis, on synthetic inputs with known answers.
@Suite("Analysis findings")
struct AnalysisFindingsTests {
    let now = SyntheticSeries.now

    @Test func trends_compare_windows_and_predict_the_saturation_of_a_ramp() throws {
        // CPU hourly means rising 0.5 point a day from 40 over 60 days: 70 now, 90 in 40 days.
        let cpu = SyntheticSeries.make(days: 60, step: 3600) { _, offset in 40 + 0.5 * offset / 86_400 }
        let flat = SyntheticSeries.make(days: 60, step: 3600) { _, _ in 30 }
        let findings = try #require(
            TrendStatistics.findings(
                [MetricSeries(name: "cpu", samples: cpu), MetricSeries(name: "ram", samples: flat)], periods: [7, 30], now: now, language: .en))
        let trend = try #require(findings.statistics.metrics.first { $0.metric == "cpu" })
        #expect(trend.windows.map(\.windowDays) == [7, 30])
        // p95 of the last 30 days (55…70) against the 30 before (40…55): a rise of about 27 %.
        #expect(trend.windows[1].trend == .increasing)
        let saturation = try #require(trend.saturation)
        #expect(saturation.isDegrading)
        let critical = try #require(saturation.predictedCriticalDate)
        #expect(abs(critical.timeIntervalSince(now.addingTimeInterval(40 * 86_400))) < 86_400)
        #expect(findings.statistics.metrics.first { $0.metric == "ram" }?.saturation?.isDegrading == false)
        #expect(findings.issues.map(\.title) == ["cpu: progressive degradation"])
        #expect(findings.summary == "Rising: cpu.")
    }

    @Test func a_high_p95_is_an_issue_whatever_its_trend() throws {
        let busy = SyntheticSeries.make(days: 14, step: 3600) { _, _ in 95 }
        let findings = try #require(TrendStatistics.findings([MetricSeries(name: "cpu", samples: busy)], periods: [7], now: now, language: .fr))
        #expect(findings.issues.map(\.title) == ["cpu : p95 élevé"])
        #expect(findings.issues.first?.severity == .high)
        #expect(TrendStatistics.findings([MetricSeries(name: "cpu", samples: [])], periods: [7], now: now, language: .fr) == nil)
    }

    @Test func log_patterns_group_count_and_rank_events() {
        let hour: TimeInterval = 3600
        var events: [SystemEvent] = (0..<12).map { index in
            SystemEvent(time: now.addingTimeInterval(-Double(index) * 600), source: "nginx", level: "error", message: "upstream timed out")
        }
        events.append(
            SystemEvent(
                time: now.addingTimeInterval(-5 * hour), source: "kernel", eventID: 41, level: "critical", message: "rebooted without cleanly shutting down"))
        events.append(SystemEvent(time: now.addingTimeInterval(-6 * hour), source: "cron", level: "error", message: "job failed"))
        let findings = LogStatistics.findings(events, language: .en)
        #expect(findings.statistics.criticalCount == 1 && findings.statistics.errorCount == 13)
        #expect(findings.statistics.patternCount == 3 && findings.statistics.recurringCount == 1)
        let patterns = findings.statistics.patterns.map(\.pattern)
        #expect(patterns.map(\.source) == ["kernel", "nginx", "cron"])
        // 12 events ten minutes apart: at most 6 fall in one clock hour.
        #expect(patterns[1].count == 12 && patterns[1].peakPerHour <= 7 && patterns[1].peakPerHour >= 6)
        #expect(findings.issues.map(\.severity) == [.critical, .high])
        #expect(findings.issues.first?.title == "kernel #41: 1 × critical")
        #expect(LogStatistics.findings([], language: .en).issues.isEmpty)
    }

    @Test func periodic_latency_spikes_are_an_intermittent_problem() throws {
        // One-minute maxima over a week: 5 ms, with an 80 ms spike every 6 hours lasting 3 minutes.
        let latency = SyntheticSeries.make(days: 7, step: 60) { index, _ in index % 360 < 3 ? 80 : 5 }
        let ioWait = SyntheticSeries.make(days: 7, step: 60) { _, _ in 2 }
        let findings = try #require(
            IntermittenceStatistics.findings(
                MachineSeriesStore.Recent(diskLatencyMs: latency, ioWaitPercent: ioWait), language: .en))
        #expect(findings.statistics.diskLatency?.pattern == .periodic)
        #expect(abs((findings.statistics.diskLatency?.period ?? 0) - 6 * 3600) < 1)
        #expect(findings.statistics.ioWait?.pattern == IntermittencePattern.none)
        #expect(findings.issues.map(\.title) == ["disk_latency_ms: periodic spikes"])
        #expect(IntermittenceStatistics.findings(MachineSeriesStore.Recent(), language: .en) == nil)
    }

    @Test func a_spike_preceded_by_an_update_is_correlated() throws {
        let spikeStart = now.addingTimeInterval(-3 * 3600)
        let cpu = SyntheticSeries.make(days: 1, step: 60) { _, offset in
            let time = now.addingTimeInterval(-86_400 + offset)
            return time >= spikeStart && time < spikeStart.addingTimeInterval(600) ? 97 : 15
        }
        let events = [
            SystemEvent(time: spikeStart.addingTimeInterval(-5), source: "Windows Update", eventID: 19, level: "info", message: "Installation started"),
            SystemEvent(time: now.addingTimeInterval(-12 * 3600), source: "Service Control Manager", eventID: 7036, level: "info", message: "entered running"),
        ]
        let findings = try #require(CorrelationStatistics.findings(MachineSeriesStore.Recent(cpu: cpu), events: events, language: .en))
        #expect(findings.statistics.spikeCount == 1)
        let found = try #require(findings.statistics.correlations.first)
        #expect(found.correlation.metric == "cpu" && found.correlation.relatedEvents.map(\.eventID) == [19])
        #expect(found.correlation.confidence >= 0.8)
        #expect(found.rootCause.hasPrefix("Windows Update events just before the cpu spike to 97"))
        let json = try #require(try JSONSerialization.jsonObject(with: AIJSON.data(found)) as? [String: Any])
        #expect((json["metric_spike"] as? [String: Any])?["type"] as? String == "cpu" && json["root_cause"] is String)
        #expect(((json["related_events"] as? [[String: Any]])?.first)?["source"] as? String == "Windows Update")
    }

    @Test func capacity_projects_a_growing_volume_and_advises() throws {
        // 100 GB volume, 50 % full and growing 1 point (1 GB) a day: 90 % in 40 days, full in 50.
        let fill = SyntheticSeries.make(days: 30, step: 3600) { _, offset in 20 + offset / 86_400 }
        let capacity = CapacityStatistics(
            volumes: [MachineSeriesStore.Volume(mountPoint: "/data", totalGB: 100, usedPercent: fill)],
            ram: SyntheticSeries.make(days: 60, step: 3600) { _, _ in 88 }, now: now, language: .en)
        let volume = try #require(capacity.volumes.first)
        #expect(abs(volume.plan.growthGBPerMonth - 30) < 0.01)
        #expect(volume.plan.daysUntilCritical == 40)
        #expect(volume.recommendation == "Growing 30 GB/month, critical in 40 days: keep an eye on it.")
        #expect(capacity.memory?.recommendation == "Add memory or reduce the load.")
        let json = try #require(try JSONSerialization.jsonObject(with: AIJSON.data(capacity)) as? [String: [String: Any]])
        #expect(Set(json.keys) == ["disk:/data", "ram"])
        #expect(json["disk:/data"]?["growth_rate_gb_per_month"] as? Double == 30 && json["ram"]?["avg_usage_percent"] as? Double == 88)
        #expect(capacity.issues(language: .en).isEmpty)
    }

    @Test func recommendations_put_urgent_actions_first_and_scripts_only_read() throws {
        var inputs = HealthInputs(volumeUsedPercents: [40], smartStatuses: ["healthy", "critical"])
        inputs.security = SecurityFacts(firewallEnabled: false, antivirusEnabled: nil, antivirusUpToDate: nil, pendingSecurityUpdates: 2, rebootRequired: true)
        let capacity = CapacityStatistics(volumes: [], ram: [], now: now, language: .en)
        let local = LocalRecommendations.make(inputs: inputs, score: nil, capacity: capacity, language: .en)
        #expect(
            local.recommendations.map(\.title) == [
                "Replace the failing disk", "Enable the firewall", "Install the security updates", "Reboot to finish the updates",
            ])
        #expect(local.recommendations.map(\.priority) == [.high, .high, .medium, .medium])
        #expect(local.findings(language: .en).issues.count == 2)

        let scripts = DiagnosticScripts.make(for: local.recommendations, windows: true, issue: "disk noise", language: .en)
        #expect(scripts.platform == "powershell" && scripts.scripts.count == 3) // smart, security, updates (once)
        #expect(scripts.scripts.allSatisfy { $0.safetyWarnings == [ScriptSafety.reviewAdvice(.en)] })
        let bash = DiagnosticScripts.make(for: local.recommendations, windows: false, issue: nil, language: .en)
        #expect(bash.scripts.allSatisfy { $0.platform == "bash" && $0.safetyWarnings == [ScriptSafety.reviewAdvice(.en)] })
    }

    @Test func combined_analyses_merge_issues_once_and_key_each_part() throws {
        let issue = AnalysisIssue(category: "cpu", title: "cpu: progressive degradation", description: "", severity: .high)
        var combined = CombinedStatistics()
        combined.add("trends", AnalysisFindings(statistics: ["a": 1], issues: [issue], summary: "One."))
        combined.add("degradation", AnalysisFindings(statistics: ["b": 2], issues: [issue], summary: "Two."))
        combined.add("absent", AnalysisFindings<[String: Int]>?.none)
        let findings = try #require(combined.findings(leading: "Zero."))
        #expect(findings.issues == [issue] && findings.summary == "Zero. One. Two.")
        let json = try #require(try JSONSerialization.jsonObject(with: AIJSON.data(findings.statistics)) as? [String: [String: Int]])
        #expect(json == ["trends": ["a": 1], "degradation": ["b": 2]])
        #expect(CombinedStatistics().findings() == nil)
    }
}
