import Foundation
import Hummingbird
import OptralisCore
@testable import OptralisServer
import Testing

/// The shared input and output rules every service's context uses (issue 16).
@Suite("Request input and response JSON")
struct RequestInputTests {
    struct Body: Decodable {
        let machineID: UUID
        let count: Int32?
        let name: String?
        let when: Date?
        enum CodingKeys: String, CodingKey { case machineID = "machine_id", count, name, when }
    }

    func problem(_ json: String) -> AppError? {
        do {
            _ = try OptralisRequestDecoder.decode(Body.self, from: Data(json.utf8))
            return nil
        } catch {
            return error as? AppError
        }
    }

    @Test func decoding_errors_are_said_in_the_apis_words() {
        let id = UUID().uuidString
        #expect(problem("{}") == .badRequest("machine_id is required"))
        #expect(problem(#"{"machine_id": null}"#) == .badRequest("machine_id is required"))
        #expect(problem(#"{"machine_id": "abc"}"#) == .badRequest("machine_id must be a UUID"))
        #expect(problem(#"{"machine_id": 1}"#) == .badRequest("machine_id must be a string"))
        #expect(problem(#"{"machine_id": "\#(id)", "when": "yesterday"}"#) == .badRequest("when must be an ISO 8601 date-time"))
        #expect(problem(#"{"machine_id": "\#(id)", "count": 4294967296}"#) == .validation("count is out of range"))
        #expect(problem(#"{"machine_id": "\#(id)", "count": 1e300}"#) == .validation("count is out of range"))
        #expect(problem(#"{"machine_id": "\#(id)", "count": 1.5}"#) == .badRequest("count must be an integer"))
        #expect(problem(#"{"machine_id": "\#(id)", "name": "x", "count": 4294967296}"#) == .validation("count is out of range"))
        #expect(problem("not json") == .badRequest("the request body is not valid JSON"))
        #expect(problem("[]") == .badRequest("the request body must be an object"))
        #expect(problem(#"{"machine_id": "\#(id)", "count": 7, "when": "2025-01-31T12:00:00Z"}"#) == nil)
    }

    @Test func a_nul_in_a_body_is_refused_naming_its_field_but_an_escaped_backslash_is_text() {
        let id = UUID().uuidString
        #expect(problem(#"{"machine_id": "\#(id)", "name": "a\u0000b"}"#) == .validation("name must not contain NUL characters (\\u0000)"))
        #expect(problem(#"{"machine_id": "\#(id)", "name": "C:\\u0000"}"#) == nil)
        #expect(JSONNULEscapes.replacingEscapes(in: Data(#"{"m":"a\u0000b\\u0000"}"#.utf8)) == Data(#"{"m":"a\ufffdb\\u0000"}"#.utf8))
        // At the very end, after escaped backslashes, cut short, or never: read in place.
        #expect(JSONNULEscapes.contains(Data(#"\u0000"#.utf8)))
        #expect(JSONNULEscapes.contains(Data(#"\\\u0000"#.utf8)))
        #expect(!JSONNULEscapes.contains(Data(#"\\\\u0000"#.utf8)))
        #expect(!JSONNULEscapes.contains(Data(#"ab\u000"#.utf8)))
        #expect(!JSONNULEscapes.contains(Data(#"ab\"#.utf8)))
        #expect(!JSONNULEscapes.contains(Data()))
        #expect(JSONNULEscapes.replacingEscapes(in: Data(#"\u0000\u0000"#.utf8)) == Data(#"\ufffd\ufffd"#.utf8))
    }

    @Test func a_nul_in_a_url_is_found_raw_or_percent_encoded() {
        #expect(NULRejectionMiddleware<BasicRequestContext>.containsNUL("/api/x?search=%21%00"))
        #expect(NULRejectionMiddleware<BasicRequestContext>.containsNUL("/api/%00/x"))
        #expect(!NULRejectionMiddleware<BasicRequestContext>.containsNUL("/api/x?search=%2500&a=%0A"))
        #expect(!NULRejectionMiddleware<BasicRequestContext>.containsNUL("/api/x?a=%0"))
        #expect(NULRejectionMiddleware<BasicRequestContext>.containsNUL("/api/x?a=%%00"))
        #expect(NULRejectionMiddleware<BasicRequestContext>.containsNUL("%00"))
        #expect(NULRejectionMiddleware<BasicRequestContext>.containsNUL("/api/\0x"))
        #expect(!NULRejectionMiddleware<BasicRequestContext>.containsNUL("/api/x?a=%0%0&b=00"))
    }

    @Test func responses_write_uuids_lowercase_and_slashes_plain() throws {
        struct Out: Encodable {
            let id: UUID
            let url: String
            let note: String
            let byID: [String: Int]
        }
        let id = try #require(UUID(uuidString: "4E40BBE3-0D3C-4F4B-9C55-ABCDEF012345"))
        let text = String(
            decoding: try ResponseJSON.encode(
                Out(id: id, url: "https://example.com/a", note: #"say "4E40BBE3-0D3C-4F4B-9C55-ABCDEF012345" twice"#, byID: [id.uuidString: 1]),
                sortedKeys: true), as: UTF8.self)
        #expect(text.contains(#""id":"4e40bbe3-0d3c-4f4b-9c55-abcdef012345""#))
        #expect(text.contains(#""4e40bbe3-0d3c-4f4b-9c55-abcdef012345":1"#), "keys too")
        #expect(text.contains(#"say \"4E40BBE3-0D3C-4F4B-9C55-ABCDEF012345\" twice"#), "a UUID inside a longer text is left alone")
        #expect(text.contains(#""url":"https://example.com/a""#))
    }

    @Test func paging_never_overflows() {
        #expect(Paging(page: 3, limit: 50).offset == 100)
        #expect(Paging(page: .max, limit: .max).offset == .max)
        #expect(Paging(page: .min, limit: 10).offset == 0)
    }

    @Test func cron_steps_are_bounded_by_their_field() {
        #expect(throws: CronError.self) { try CronExpression("0 1/9223372036854775807 * * *") }
        #expect(throws: CronError.self) { try CronExpression("*/61 * * * *") }
        #expect((try? CronExpression("*/60 * * * *")) != nil)
    }

    @Test func figures_never_trap() {
        #expect(Figure.oneDecimal(93.46) == "93.5")
        #expect(Figure.oneDecimal(85) == "85")
        #expect(Figure.oneDecimal(1e300) == nil)
        #expect(Figure.oneDecimal(.nan) == nil)
    }
}
