import Foundation

/// One of the api's history answers (`…/metrics`, `…/network-metrics`, `…/disk-metrics`) as
/// plain values. A month of points is thousands of small objects: through `JSONSerialization`
/// they became `NSNumber`s and dictionaries, and `JSONDecoder`'s unspecialised generic paths
/// still took 12 µs a point, most of a machine page's time. ``HistoryScanner`` reads these flat
/// objects directly; anything it does not expect falls back to `JSONDecoder`.
struct HistoryPoints: Decodable, Sendable {
    struct Point: Decodable, Sendable, Equatable {
        var time = ""
        var mountPoint: String?
        var cpuPercent, ramPercent, cpuTemp: Double?
        var bytesRecv, bytesSent, latencyMs: Double?
        var usedPercent: Double?

        enum CodingKeys: String, CodingKey {
            case time, mountPoint = "mount_point", cpuPercent = "cpu_percent", ramPercent = "ram_percent", cpuTemp = "cpu_temp",
                bytesRecv = "bytes_recv", bytesSent = "bytes_sent", latencyMs = "latency_ms", usedPercent = "used_percent"
        }

        init() {}
    }

    let points: [Point]

    /// The reply's points; none when the call failed or the body is not a history.
    init(_ reply: APIClient.Reply) {
        guard reply.ok else {
            points = []
            return
        }
        points = HistoryScanner.points(reply.body) ?? (try? JSONDecoder().decode(HistoryPoints.self, from: Data(reply.body)))?.points ?? []
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        points = try container.decode([Point].self, forKey: .points)
    }

    enum CodingKeys: String, CodingKey { case points }
}

/// Reads `{"…": …, "points": [{"time": "…", "cpu_percent": 12.5, …}, …], …}`: an object whose
/// `points` are flat objects of strings, numbers and nulls. Nil on anything else (a nested value
/// in a point, an escape in a key, malformed JSON), for the caller to use `JSONDecoder`.
enum HistoryScanner {
    static func points(_ body: [UInt8]) -> [HistoryPoints.Point]? {
        body.withUnsafeBufferPointer { buffer in
            var cursor = Cursor(bytes: buffer)
            return cursor.document()
        }
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard current == byte else { return false }
            index += 1
            return true
        }

        mutating func document() -> [HistoryPoints.Point]? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var points: [HistoryPoints.Point]?
            if take(UInt8(ascii: "}")) { return nil }
            repeat {
                guard let key = string(), take(UInt8(ascii: ":")) else { return nil }
                if key == "points" {
                    guard let read = array() else { return nil }
                    points = read
                } else if !skipValue() {
                    return nil
                }
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
            skipSpace()
            return index == bytes.count ? points : nil
        }

        mutating func array() -> [HistoryPoints.Point]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var points: [HistoryPoints.Point] = []
            if take(UInt8(ascii: "]")) { return points }
            repeat {
                guard let point = object() else { return nil }
                points.append(point)
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]")) ? points : nil
        }

        mutating func object() -> HistoryPoints.Point? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var point = HistoryPoints.Point()
            if take(UInt8(ascii: "}")) { return point }
            repeat {
                guard let key = string(), take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                switch current {
                case UInt8(ascii: "\""):
                    guard let text = string() else { return nil }
                    if key == "time" { point.time = text } else if key == "mount_point" { point.mountPoint = text }
                case UInt8(ascii: "n"):
                    guard literal("null") else { return nil }
                default:
                    guard let value = number() else { return nil }
                    switch key {
                    case "cpu_percent": point.cpuPercent = value
                    case "ram_percent": point.ramPercent = value
                    case "cpu_temp": point.cpuTemp = value
                    case "bytes_recv": point.bytesRecv = value
                    case "bytes_sent": point.bytesSent = value
                    case "latency_ms": point.latencyMs = value
                    case "used_percent": point.usedPercent = value
                    default: break
                    }
                }
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}")) ? point : nil
        }

        /// A string; one with escapes is decoded by `JSONDecoder` (rare in these answers).
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            var escaped = false
            while let byte = current, byte != UInt8(ascii: "\"") {
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    index += 1
                }
                index += 1
            }
            guard current == UInt8(ascii: "\"") else { return nil }
            let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            guard escaped else { return String(decoding: slice, as: UTF8.self) }
            return try? JSONDecoder().decode(String.self, from: Data([UInt8(ascii: "\"")] + slice + [UInt8(ascii: "\"")]))
        }

        /// A JSON number, read by the standard library's parser.
        mutating func number() -> Double? {
            let start = index
            while let byte = current, (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2B || byte == 0x2E || byte == 0x65 || byte == 0x45 {
                index += 1
            }
            guard index > start, bytes[start] != 0x2B else { return nil }
            return Double(Substring(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += count
            return true
        }

        /// Any value outside `points` (the host name, the range…), nested ones included.
        mutating func skipValue() -> Bool {
            skipSpace()
            switch current {
            case UInt8(ascii: "\""): return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close = current == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                index += 1
                if take(close) { return true }
                repeat {
                    if close == UInt8(ascii: "}") { guard string() != nil, take(UInt8(ascii: ":")) else { return false } }
                    guard skipValue() else { return false }
                } while take(UInt8(ascii: ","))
                return take(close)
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return number() != nil
            }
        }
    }
}
