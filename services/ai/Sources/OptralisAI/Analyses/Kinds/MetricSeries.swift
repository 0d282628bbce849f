/// A named series an analysis judges: `cpu`, `ram`, `disk:/var`… with the level past which
/// it is critical (the alert rules' "critique" examples: 90 % for CPU, RAM and disks).
struct MetricSeries: Sendable {
    var name: String
    var samples: [Sample]
    var criticalThreshold: Double = 90

    /// CPU and RAM hourly means, then each volume's hourly fill.
    static func standard(_ hourly: MachineSeriesStore.Hourly, volumes: [MachineSeriesStore.Volume]) -> [MetricSeries] {
        [MetricSeries(name: "cpu", samples: hourly.cpuAverage), MetricSeries(name: "ram", samples: hourly.ramAverage)]
            + volumes.map { MetricSeries(name: "disk:\($0.mountPoint)", samples: $0.usedPercent) }
    }
}
