import Foundation
import Hummingbird
import OptralisServer

/// A JSON response made of an encoded head object and one member whose values are JSON texts as
/// PostgreSQL stored them (collector snapshots, up to ~100 KB each): spliced in as they are instead
/// of parsed into a tree and encoded again, which cost most of a machine detail's time.
enum SplicedJSON {
    static func response(_ head: some Encodable, member: String, rawValues: [String: String]) throws -> Response {
        var body = Data(try ResponseJSON.encode(head).dropLast()) // without its closing brace
        if body.count > 1 { body.append(UInt8(ascii: ",")) }
        body.append(contentsOf: try ResponseJSON.encode(member))
        body.append(contentsOf: Array(":{".utf8))
        for (index, (key, value)) in rawValues.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: try ResponseJSON.encode(key))
            body.append(UInt8(ascii: ":"))
            body.append(contentsOf: Array(value.utf8))
        }
        body.append(contentsOf: Array("}}".utf8))
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
