import Foundation
import Hummingbird
import OptralisCore

/// The history answers written byte by byte: a month of hourly points is 720 objects a series
/// (1,440 for two volumes), and `JSONEncoder`'s generic containers spent 12 µs on each, most of
/// the route's time. The output is the same JSON `ResponseJSON` would write.
protocol HistoryJSONPoint: Encodable, Sendable {
    var time: Date { get }
    /// The point's members after `time`, nil ones left out, each as `,"key":value`.
    func appendMembers(to json: inout HistoryJSON)
}

struct HistoryJSON {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// A JSON string, escaped as the JSON grammar requires.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20: raw("\\u00" + String(byte, radix: 16).leftPadded(to: 2))
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func member(_ key: StaticString, _ value: Double?) {
        guard let value, value.isFinite else { return }
        bytes.append(UInt8(ascii: ","))
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        raw("\":")
        // Whole numbers without ".0", as JSONEncoder writes them.
        if value == value.rounded(), abs(value) < 1e15 { raw(String(Int64(value))) } else { raw(value.description) }
    }

    static func response(hostname: String, range: String, source: String, points: [some HistoryJSONPoint]) -> Response {
        let bytes = encode(hostname: hostname, range: range, source: source, points: points)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .contentLength: "\(bytes.count)"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func encode(hostname: String, range: String, source: String, points: [some HistoryJSONPoint]) -> [UInt8] {
        var json = HistoryJSON(capacity: 64 + points.count * 96)
        json.raw("{\"hostname\":")
        json.string(hostname)
        json.raw(",\"range\":")
        json.string(range)
        json.raw(",\"source\":")
        json.string(source)
        json.raw(",\"points\":[")
        for (index, point) in points.enumerated() {
            json.raw(index == 0 ? "{\"time\":\"" : ",{\"time\":\"")
            json.raw(UTCTimestamp.iso8601(point.time))
            json.raw("\"")
            point.appendMembers(to: &json)
            json.bytes.append(UInt8(ascii: "}"))
        }
        json.raw("]}")
        return json.bytes
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

extension MachineHistoryStore.MetricPoint: HistoryJSONPoint {
    func appendMembers(to json: inout HistoryJSON) {
        json.member("cpu_percent", cpuPercent)
        json.member("ram_percent", ramPercent)
        json.member("cpu_temp", cpuTemp)
        json.member("cpu_min", cpuMin)
        json.member("cpu_max", cpuMax)
        json.member("ram_min", ramMin)
        json.member("ram_max", ramMax)
    }
}

extension MachineHistoryStore.NetworkPoint: HistoryJSONPoint {
    func appendMembers(to json: inout HistoryJSON) {
        json.member("bytes_recv", bytesRecv)
        json.member("bytes_sent", bytesSent)
        json.member("packet_loss", packetLoss)
        json.member("latency_ms", latencyMs)
        json.member("bytes_recv_max", bytesRecvMax)
        json.member("bytes_sent_max", bytesSentMax)
        json.member("latency_max", latencyMax)
    }
}

extension MachineHistoryStore.DiskPoint: HistoryJSONPoint {
    func appendMembers(to json: inout HistoryJSON) {
        json.raw(",\"mount_point\":")
        json.string(mountPoint)
        json.member("used_percent", usedPercent)
        json.member("used_percent_max", usedPercentMax)
    }
}
