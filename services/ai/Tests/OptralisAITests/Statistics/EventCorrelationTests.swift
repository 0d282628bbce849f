import Foundation
@testable import OptralisAI
import Testing

@Suite("Correlation of events with metric spikes")
struct EventCorrelationTests {
    let now = SyntheticSeries.now
    /// Two days of CPU every minute at 20 %, at 95 % for five minutes from 10 h before now.
    var spikeStart: Date { now.addingTimeInterval(-10 * 3600) }

    var cpu: [Sample] {
        SyntheticSeries.make(days: 2, step: 60) { _, _ in 20 }.map { sample in
            let inSpike = sample.time >= spikeStart && sample.time < spikeStart.addingTimeInterval(300)
            return Sample(time: sample.time, value: inSpike ? 95 : sample.value)
        }
    }

    var update: SystemEvent {
        SystemEvent(time: spikeStart.addingTimeInterval(-5), source: "Windows Update", eventID: 19, level: "info", message: "Installation started")
    }

    @Test func finds_the_planted_pair() throws {
        let unrelated = SystemEvent(time: spikeStart.addingTimeInterval(-3 * 3600), source: "Disk", eventID: 7, level: "error", message: "bad block")
        let correlations = CorrelationAnalysis().correlate(metric: "cpu", samples: cpu, spikeThreshold: 90, events: [unrelated, update])
        #expect(correlations.count == 1)
        let correlation = try #require(correlations.first)
        #expect(correlation.spike.start == spikeStart && correlation.spike.peak == 95)
        #expect(correlation.relatedEvents == [update])
        // specificity 1, proximity 1 − 5/600, burst 1/3.
        #expect(correlation.confidence == ((0.5 + 0.35 * (1 - 5.0 / 600) + 0.05) * 100).rounded() / 100)
        #expect(correlation.recurrence == 1)
    }

    @Test func an_event_that_happens_all_the_time_is_not_a_cause() {
        // A heartbeat log line every hour, one of which lands two minutes before the spike.
        let noise = (0..<48).map { hour in
            SystemEvent(time: spikeStart.addingTimeInterval(-120 + Double(hour - 24) * 3600), source: "cron", level: "info", message: "tick")
        }
        let correlations = CorrelationAnalysis().correlate(metric: "cpu", samples: cpu, spikeThreshold: 90, events: noise)
        #expect(correlations.isEmpty)
        let withCause = CorrelationAnalysis().correlate(metric: "cpu", samples: cpu, spikeThreshold: 90, events: noise + [update])
        #expect(withCause.first?.relatedEvents == [update])
    }

    @Test func a_burst_of_errors_raises_confidence() throws {
        let burst = (0..<4).map {
            SystemEvent(
                time: spikeStart.addingTimeInterval(-240 + Double($0) * 30), source: "sqlservr", eventID: 17_883, level: "error", message: "scheduler hung")
        }
        let correlation = try #require(CorrelationAnalysis().correlate(metric: "cpu", samples: cpu, spikeThreshold: 90, events: burst).first)
        #expect(correlation.relatedEvents.count == 4)
        #expect(correlation.confidence == ((0.5 + 0.35 * (1 - 150.0 / 600) + 0.15) * 100).rounded() / 100)
    }

    @Test func events_after_the_tolerance_or_before_the_lookback_are_ignored() {
        let late = SystemEvent(time: spikeStart.addingTimeInterval(61), source: "app", eventID: 1, level: "error", message: "late")
        let early = SystemEvent(time: spikeStart.addingTimeInterval(-601), source: "app", eventID: 2, level: "error", message: "early")
        #expect(CorrelationAnalysis().correlate(metric: "cpu", samples: cpu, spikeThreshold: 90, events: [late, early]).isEmpty)
    }

    @Test func no_spike_or_no_event_gives_nothing() {
        #expect(CorrelationAnalysis().correlate(metric: "cpu", samples: cpu, spikeThreshold: 99, events: [update]).isEmpty)
        #expect(CorrelationAnalysis().correlate(metric: "cpu", samples: cpu, spikeThreshold: 90, events: []).isEmpty)
        #expect(CorrelationAnalysis().correlate(metric: "cpu", samples: [], spikeThreshold: 90, events: [update]).isEmpty)
    }
}
