import OptralisServer
import Testing

/// zlib's inflate behind the OTLP receivers' `Content-Encoding: gzip`: the whole stream, at most
/// the limit, and nothing from a cut or foreign stream.
@Suite("Gzip")
struct GzipTests {
    /// "hello, optralis" four times, gzip-compressed by Python's zlib.
    static let sample: [UInt8] = [
        0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xCB, 0x48, 0xCD, 0xC9, 0xC9, 0xD7, 0x51, 0xC8, 0x2F, 0x28, 0x29, 0x4A, 0xCC,
        0xC9, 0x2C, 0xCE, 0x20, 0x85, 0x0B, 0x00, 0x6E, 0x80, 0xAE, 0xD7, 0x3C, 0x00, 0x00, 0x00,
    ]
    static let text = Array(String(repeating: "hello, optralis", count: 4).utf8)

    @Test func a_stream_inflates_to_its_bytes_up_to_exactly_the_limit() throws {
        #expect(try Gzip.inflate(Self.sample, limit: 1_000) == Self.text)
        #expect(try Gzip.inflate(Self.sample, limit: Self.text.count) == Self.text)
        #expect(throws: Gzip.Failure.tooLarge) { try Gzip.inflate(Self.sample, limit: Self.text.count - 1) }
    }

    @Test func a_cut_corrupt_or_foreign_stream_is_invalid() {
        for input in [[], Array(Self.sample.prefix(20)), Array(Self.sample.dropLast(4)), Self.text, [UInt8](repeating: 0x1F, count: 64)] {
            #expect(throws: Gzip.Failure.invalid) { try Gzip.inflate(input, limit: 1_000) }
        }
        var flipped = Self.sample
        flipped[15] ^= 0xFF
        #expect(throws: (any Error).self) { try Gzip.inflate(flipped, limit: 1_000) }
    }
}
