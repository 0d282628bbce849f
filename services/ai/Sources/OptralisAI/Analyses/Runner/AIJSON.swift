import Foundation
import OptralisServer

/// The one JSON form of the ai service's bodies and stored results: ``ResponseJSON`` (ISO 8601
/// dates, `/` unescaped, lowercase UUIDs) with sorted keys.
enum AIJSON {
    static func data(_ value: some Encodable) -> Data {
        // The service's bodies hold strings, numbers, booleans and dates: they always encode.
        (try? ResponseJSON.encode(value, sortedKeys: true)) ?? Data("{}".utf8)
    }

    static func string(_ value: some Encodable) -> String {
        String(decoding: data(value), as: UTF8.self)
    }
}
