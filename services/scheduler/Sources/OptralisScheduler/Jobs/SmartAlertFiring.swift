import Foundation
import OptralisCore

/// One smart rule firing on one machine, as the alert tells it: the plain rules' alert type of
/// its metric, and a message naming the rule, the window and, for an adaptive rule, the
/// baseline the threshold came from.
struct SmartAlertFiring: Sendable, Equatable {
    var ruleName: String
    var metric: String
    var mode: String
    /// The window's mean, and the threshold it stayed above.
    var value: Double
    var threshold: Double
    var minutes: Int
    var p95: Double?
    var deviation: Double?
    var sigmaFactor: Double?

    var alertType: AlertType {
        switch metric {
        case "ram": .highRAM
        case "disk": .diskCritical
        case "temperature": .highTemperature
        default: .highCPU
        }
    }

    func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }

    private func number(_ value: Double) -> String {
        let tenths = rounded(value)
        // Int(_:) traps outside its range: only whole numbers of a sane size lose their ".0".
        return tenths == tenths.rounded() && abs(tenths) < 1e9 ? String(Int(tenths)) : String(tenths)
    }

    func message(french: Bool) -> String {
        let unit = metric == "temperature" ? " °C" : " %"
        let above =
            french
            ? "\(number(value))\(unit) en moyenne sur \(minutes) min, toujours au-dessus de \(number(threshold))\(unit)"
            : "\(number(value))\(unit) on average over \(minutes) min, always above \(number(threshold))\(unit)"
        var text = (french ? "Règle intelligente « \(ruleName) » : " : "Smart rule \"\(ruleName)\": ") + above
        if mode == "adaptive", let p95, let deviation, let sigmaFactor {
            // The minimum margin set the threshold rather than the spread.
            let floor = p95 + sigmaFactor * deviation < threshold - 0.05
            let margin = number(SmartAlertPolicy.minimumMargin)
            text +=
                french
                ? " (habituel : p95 \(number(p95))\(unit) + \(number(sigmaFactor)) × σ \(number(deviation))\(floor ? ", au moins p95 + \(margin)" : ""))"
                : " (usual: p95 \(number(p95))\(unit) + \(number(sigmaFactor)) × σ \(number(deviation))\(floor ? ", at least p95 + \(margin)" : ""))"
        }
        return text
    }
}
