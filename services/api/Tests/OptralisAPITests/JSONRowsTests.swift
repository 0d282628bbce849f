import Foundation
import OptralisCore
import Testing

@testable import OptralisAPI

/// The rows written by hand (``JSONRows``, ``NetworkJSON``) read back as what `JSONEncoder`
/// writes: the same values, any text escaped.
@Suite("JSON rows written by hand")
struct JSONRowsTests {
    static let awkward = [
        "eth0", "", "quote \" and backslash \\", "line\nbreak\ttab\rreturn", "\u{01}\u{1f}\u{7f}", "é ü 中文 🛰️", "\\u0041 not an escape",
        "</script>",
    ]

    /// JSON text as Foundation reads it, to compare values rather than spellings.
    static func value(_ json: String) throws -> NSObject {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]) as? NSObject)
    }

    @Test(arguments: awkward)
    func quoted_text_reads_back_as_itself(_ text: String) throws {
        #expect(try JSONDecoder().decode(String.self, from: Data(JSONRows.quoted(text).utf8)) == text)
        #expect(try Self.value(JSONRows.quoted(text)) == Self.value(String(decoding: try JSONEncoder().encode(text), as: UTF8.self)))
    }

    @Test func a_network_report_is_what_JSONEncoder_writes() throws {
        let interfaces = Self.awkward.enumerated().map { index, name in
            NetworkInterface(
                name: name, mac: index == 0 ? nil : "52:54:00:12:34:5\(index)", ipv4: index == 1 ? nil : ["192.168.1.\(index)", name],
                ipv6: index == 2 ? [] : ["fe80::\(index)"], state: index.isMultiple(of: 2) ? "up" : nil, speedMbps: index == 3 ? nil : 1000 * index,
                bytesRecvPerSec: index == 4 ? nil : 125_000.5 * Double(index), bytesSentPerSec: 1e300, packetsRecvPerSec: 0.1 + 0.2,
                packetsSentPerSec: -0.0, errorsIn: Int64.max, errorsOut: Int64.min, dropsIn: index == 5 ? nil : Int64(index), dropsOut: 0)
        }
        for report in [
            NetworkReport(interfaces: interfaces, latencyMs: 12.8, packetLoss: 0), NetworkReport(interfaces: []),
            NetworkReport(interfaces: [interfaces[0]], latencyMs: nil, packetLoss: 100),
        ] {
            let interfacesJSON = NetworkJSON.interfaces(report.interfaces)
            let written = NetworkJSON.report(report, interfaces: interfacesJSON)
            #expect(try Self.value(written) == Self.value(String(decoding: try JSONEncoder().encode(report), as: UTF8.self)))
            #expect(try Self.value(interfacesJSON) == Self.value(String(decoding: try JSONEncoder().encode(report.interfaces), as: UTF8.self)))
        }
    }

    @Test func an_inventory_row_carries_each_reported_collector_and_flags_the_others() throws {
        var row = InventoryRow(machineId: UUID())
        row.network = NetworkJSON.interfaces([NetworkInterface(name: "eth\"0")])
        row.patches = PatchesReport(pendingUpdates: [], rebootRequired: true, autoUpdate: nil, lastCheck: Date(timeIntervalSince1970: 1.5))
        let object = try #require(try Self.value(JSONRows.text([row])) as? [[String: Any]]).first
        #expect(object?["has_network"] as? Bool == true)
        #expect((object?["network_interfaces"] as? [[String: Any]])?.first?["name"] as? String == "eth\"0")
        #expect(object?["has_services"] as? Bool == false && object?["all_services"] == nil)
        #expect(object?["has_patches"] as? Bool == true && object?["reboot_required"] as? Bool == true)
        #expect(object?["patches_last_check"] as? String == "1970-01-01T00:00:01.500000Z")
        #expect(object?["patches_auto_update"] == nil)
    }
}
