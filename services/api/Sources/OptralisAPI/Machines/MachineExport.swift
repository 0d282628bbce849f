import Foundation
import Hummingbird
import OptralisCore

/// `GET /api/export/machines`: the machine list as CSV for Excel — UTF-8 with a byte-order mark,
/// RFC 4180 quoting, CRLF line ends — streamed 500 machines at a time, with the list's filters
/// (`site_id` under the list's own rule: the Business licence).
struct MachineExport {
    let queries: MachineListStore
    let gate: LicenceGate

    static let header = [
        "hostname", "status", "os", "os_version", "ip_address", "agent_version", "last_seen", "health_score", "os_compliant", "group",
        "maintenance_mode", "update_channel", "certificate_status", "certificate_expires_at",
    ]

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("machines") { request, context -> Response in
            let clientID = try context.requireIdentity().requireClient()
            var filter = try MachineListController.filter(request.uri.queryParameters)
            if filter.siteID != nil { try await gate.require(.business, clientID: clientID) }
            filter.limit = 500
            filter.page = 1
            let first = try await queries.list(clientID: clientID, filter) // errors surface before the 200 is sent
            let (queries, firstFilter) = (self.queries, filter)
            let stamp = Date().formatted(.iso8601.year().month().day())
            return Response(
                status: .ok,
                headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"machines-\(stamp).csv\""],
                body: ResponseBody { writer in
                    var filter = firstFilter
                    var page = first.machines
                    var buffer = ByteBuffer(bytes: [0xEF, 0xBB, 0xBF])
                    buffer.writeString(Self.line(Self.header))
                    while !page.isEmpty {
                        for machine in page { buffer.writeString(Self.line(Self.fields(machine))) }
                        try await writer.write(buffer)
                        buffer.clear()
                        guard page.count == filter.limit else { break }
                        filter.page += 1
                        page = try await queries.list(clientID: clientID, filter).machines
                    }
                    if buffer.readableBytes > 0 { try await writer.write(buffer) }
                    try await writer.finish(nil)
                })
        }
    }

    static func fields(_ machine: MachineListStore.Summary) -> [String] {
        [
            machine.hostname, machine.status, machine.os ?? "", machine.osVersion ?? "", machine.ipAddress ?? "", machine.agentVersion ?? "",
            machine.lastSeen?.formatted(.iso8601) ?? "", machine.healthScore.map(String.init) ?? "", machine.isOSCompliant ? "yes" : "no",
            machine.groupName ?? "", machine.maintenanceMode ? "yes" : "no", machine.updateChannel, machine.certStatus,
            machine.certExpiresAt?.formatted(.iso8601) ?? "",
        ]
    }

    /// RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled; a field
    /// starting with = + - @, TAB or CR (OWASP's list: a spreadsheet strips the last two and reads
    /// a formula) gets a leading apostrophe so it is not run as a formula.
    static func line(_ fields: [String]) -> String {
        fields.map { field in
            var value = field
            if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
            guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return value }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",") + "\r\n"
    }
}
