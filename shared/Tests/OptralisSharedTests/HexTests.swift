import Foundation
import OptralisCore
import Testing

@Suite("Hexadecimal text")
struct HexTests {
    @Test func bytes_and_uuids_read_as_foundation_writes_them() {
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0...40)).map { _ in UInt8.random(in: 0...255) }
            #expect(bytes.hexString == bytes.map { String(format: "%02x", $0) }.joined())
            let id = UUID()
            #expect(id.lowercasedString == id.uuidString.lowercased())
        }
        #expect([0x00, 0x0f, 0xa0, 0xff].hexString == "000fa0ff")
    }
}
