import Foundation
import Logging
@testable import OptralisAPI
import OptralisTestSupport
import PostgresNIO
import Testing

@Suite("Machine CSV export")
struct MachineExportTests {
    /// OWASP's CSV-injection list also has TAB and CR, which a spreadsheet strips before it
    /// reads the formula behind them (issue 17, item 13).
    @Test func a_field_starting_with_tab_or_cr_is_neutralised_too() {
        let line = MachineExport.line(["\t=1+1", "\r=cmd|' /C calc'!A0", "plain"])
        #expect(line.hasPrefix("'\t=1+1,\"'\r=cmd"), "\(line.debugDescription)")
        #expect(line.hasSuffix(",plain\r\n"))
    }

    /// The snapshots a machine page splices in are read within the caller's client, not only
    /// after a check elsewhere (issue 17, item 13).
    @Test func collector_snapshots_are_read_within_the_client() async throws {
        try await APIHarness.run { api in
            let owner = try await api.seedClient(), other = try await api.seedClient()
            try await api.database.withClient { db in
                let machine = try await db.query("INSERT INTO machines (client_id, hostname) VALUES (\(owner), 'snap-01') RETURNING id", logger: testLogger)
                    .decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }[0]
                _ = try await db.query(
                    "INSERT INTO machine_collector_data (machine_id, collector, data) VALUES (\(machine), 'metrics', '{\"cpu_percent\": 5}')",
                    logger: testLogger)
                let queries = MachineListStore(database: db, logger: testLogger)
                #expect(try await queries.snapshots(machineID: machine, clientID: owner).keys.sorted() == ["metrics"])
                #expect(try await queries.snapshots(machineID: machine, clientID: other).isEmpty, "another client's machine reads as none")
            }
        }
    }

    @Test func the_csv_opens_in_excel_quoting_commas_quotes_accents_and_formulas() async throws {
        try await APIHarness.run { api in
            let client = try await api.seedClient()
            let viewer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            try await api.database.withClient { db in
                let group = try await db.query(
                    "INSERT INTO groups (client_id, name) VALUES (\(client), 'Équipe \"Réseau\", Lyon') RETURNING id", logger: testLogger
                )
                .decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
                try await db.query(
                    """
                    INSERT INTO machines (client_id, hostname, os, os_version, group_id, health_score, last_seen)
                    VALUES (\(client), 'srv-01', 'linux', 'Debian GNU/Linux 12 (bookworm), kernel 6.1', \(group), 87, now()),
                           (\(client), 'srv-02', 'windows', '=HYPERLINK("http://evil")', NULL, NULL, NULL)
                    """, logger: testLogger)
                // More than one page of 500, to cross the streaming boundary.
                try await db.query(
                    "INSERT INTO machines (client_id, hostname) SELECT \(client), 'bulk-' || lpad(i::text, 4, '0') FROM generate_series(1, 520) i",
                    logger: testLogger)
            }
            let reply = try await api.send(.get, "/api/export/machines", token: viewer)
            #expect(reply.status == .ok && reply.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(reply.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"machines-") == true)
            let bytes = Array(reply.body.readableBytesView)
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "a UTF-8 byte-order mark for Excel")
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 1 + 522, "header and every machine across pages")
            #expect(lines[0].hasPrefix("hostname,status,os,os_version"))
            let first = try #require(lines.first { $0.hasPrefix("srv-01,") })
            #expect(first.contains(#","Debian GNU/Linux 12 (bookworm), kernel 6.1","#), "\(first)")
            #expect(first.contains(#","Équipe ""Réseau"", Lyon","#), "quotes doubled, accents kept: \(first)")
            #expect(first.contains(",87,yes,"))
            let second = try #require(lines.first { $0.hasPrefix("srv-02,") })
            #expect(second.contains(#","'=HYPERLINK(""http://evil"")","#), "a formula is neutralised: \(second)")
            let filtered = try await api.send(.get, "/api/export/machines?search=srv", token: viewer)
            #expect(String(decoding: filtered.body.readableBytesView, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 3)
            #expect(try await api.send(.get, "/api/export/machines?status=maybe", token: viewer).status == .badRequest)
        }
    }
}
