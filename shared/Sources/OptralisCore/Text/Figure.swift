/// Numbers written in sentences, emails and charts.
public enum Figure {
    /// At most one decimal, `.` as separator: 93.46 → "93.5", 85.0 → "85". Nil for a value that
    /// is not finite or beyond ±10¹⁵: converting such a value to `Int` would stop the process.
    public static func oneDecimal(_ value: Double) -> String? {
        guard value.isFinite, abs(value) < 1e15 else { return nil }
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
