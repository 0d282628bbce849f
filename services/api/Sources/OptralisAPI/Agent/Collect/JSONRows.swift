import Foundation
import OptralisCore

/// A row of the statements' JSON arrays, written by hand (``JSONRows``).
protocol JSONRow: Sendable {
    func write(to row: inout JSONRows.Object)
}

/// The JSON arrays `json_to_recordset` reads, for the rows every agent post writes (its
/// replay-check entry and its `metrics` row): `JSONEncoder`'s generic path cost about a tenth of
/// a metrics post's instructions. Only numbers, UUIDs, dates and strings the api itself chose
/// (collector names) are written here; rows with free text go through `JSONEncoder`.
enum JSONRows {
    static func text(_ rows: [some JSONRow]) -> String {
        var text = "["
        for (index, row) in rows.enumerated() {
            if index > 0 { text += "," }
            var object = Object()
            row.write(to: &object)
            text += object.text + "}"
        }
        return text + "]"
    }

    struct Object {
        fileprivate var text = "{"

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
    }
}
