import Foundation

/// The one JSON form of the ai service's bodies and stored results: sorted keys, ISO 8601
/// dates, `/` unescaped.
enum AIJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func data(_ value: some Encodable) -> Data {
        // The service's bodies hold strings, numbers, booleans and dates: they always encode.
        (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    static func string(_ value: some Encodable) -> String {
        String(decoding: data(value), as: UTF8.self)
    }
}
