import Foundation
import OptralisCore

/// A row of the statements' JSON arrays, written by hand (``JSONRows``).
protocol JSONRow: Sendable {
    func write(to row: inout JSONRows.Object)
}

/// The JSON arrays `json_to_recordset` reads, for the rows every agent post writes (its
/// replay-check entry and its `metrics` row) and the network report's snapshot (every 30 s):
/// `JSONEncoder`'s generic path cost about a tenth of a metrics post's instructions. Rows of the
/// rarer reports go through `JSONEncoder`.
enum JSONRows {
    static func text(_ rows: [some JSONRow]) -> String {
        array(rows) { $1.write(to: &$0) }
    }

    /// `[{…},{…}]`, each element's object filled by `write`.
    static func array<Element>(_ elements: some Sequence<Element>, _ write: (inout Object, Element) -> Void) -> String {
        var text = "["
        for element in elements {
            if text.utf8.count > 1 { text += "," }
            var object = Object()
            write(&object, element)
            text += object.json
        }
        return text + "]"
    }

    /// `text` as a JSON string, quotes included.
    static func quoted(_ text: String) -> String {
        let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        if plain { return "\"\(text)\"" }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    struct Object {
        private var text = "{"

        /// The object, closed.
        var json: String { text + "}" }

        private mutating func key(_ name: String) {
            if text.utf8.count > 1 { text += "," }
            text += "\"\(name)\":"
        }

        /// A name the api chose (no character to escape).
        mutating func field(_ name: String, _ value: String) {
            key(name)
            text += "\"\(value)\""
        }

        mutating func field(_ name: String, _ value: UUID) {
            field(name, value.lowercasedString)
        }

        mutating func field(_ name: String, _ value: Date) {
            field(name, CollectWriter.timestamp(value))
        }

        /// Absent (SQL NULL) when nil or not finite, which JSON cannot hold.
        mutating func field(_ name: String, _ value: Double?) {
            guard let value, value.isFinite else { return }
            key(name)
            text += value.description
        }

        mutating func field(_ name: String, _ value: Int64?) {
            guard let value else { return }
            key(name)
            text += String(value)
        }

        mutating func field(_ name: String, _ value: Int) {
            field(name, Int64(value))
        }

        mutating func field(_ name: String, _ value: Int?) {
            field(name, value.map(Int64.init))
        }

        /// Absent when nil.
        mutating func field(_ name: String, _ value: Bool?) {
            guard let value else { return }
            key(name)
            text += value ? "true" : "false"
        }

        /// Any text, escaped; absent when nil.
        mutating func field(_ name: String, escaping value: String?) {
            guard let value else { return }
            key(name)
            text += JSONRows.quoted(value)
        }

        /// Absent when nil.
        mutating func field(_ name: String, escaping values: [String]?) {
            guard let values else { return }
            key(name)
            text += "[" + values.map(JSONRows.quoted).joined(separator: ",") + "]"
        }

        /// `json`: a JSON value already written.
        mutating func field(_ name: String, json: String) {
            key(name)
            text += json
        }
    }
}
