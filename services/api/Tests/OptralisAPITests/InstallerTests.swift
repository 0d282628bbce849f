import Foundation
import OptralisTestSupport
import PostgresNIO
import Testing

/// `GET /install.sh` and `GET /api/installer/linux/:arch`, run with sh against the real api and a
/// real HTTP server holding the agent binary.
@Suite("Linux installer")
struct InstallerTests {
    @Test func the_downloaded_installer_checks_the_agent_installs_it_and_carries_a_live_token() async throws {
        try await APIHarness.runWithCA { api, _ in
            let client = try await api.seedClient()
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("installer-\(UUID().uuidString)").path
            let downloads = work + "/downloads"
            try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
            let agent = TestEnvironment.binaryDirectory.appendingPathComponent("optralis-agent").path
            try FileManager.default.copyItem(atPath: agent, toPath: downloads + "/optralis-agent")
            let hashed = try await ChildProcess.run("/usr/bin/sha256sum", [downloads + "/optralis-agent"])
            let checksum = String(hashed.output.prefix(64))
            let httpPort = try freePort()
            let files = try ChildProcess(executable: which("python3") ?? "/usr/bin/python3", arguments: [
                "-m", "http.server", String(httpPort), "--bind", "127.0.0.1", "--directory", downloads])
            defer { files.signal(SIGTERM) }
            let served = await eventually {
                (try? await ChildProcess.run("/usr/bin/curl", ["-fsS", "-o", "/dev/null", "http://127.0.0.1:\(httpPort)/optralis-agent"]))?.status == 0
            }
            try #require(served, "python3 -m http.server: \(files.output)")
            try await api.sql("""
                INSERT INTO agent_versions (version, channel, platform, architecture, download_url, checksum_sha256, file_size_bytes, is_active)
                VALUES ('1.0.0', 'stable', 'linux', 'amd64', \("http://127.0.0.1:\(httpPort)/optralis-agent"), \(checksum), 1, true)
                """)

            let unsupported = try await api.send(.get, "/api/installer/linux/mips", token: admin)
            #expect(unsupported.status == .badRequest && unsupported.code == "VALIDATION_ERROR")
            #expect(try await api.send(.get, "/api/installer/linux/amd64").status == .unauthorized)
            // An installer carries a fresh token, which observers may not create (issue 17, item 1).
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let observerDownload = try await api.send(.get, "/api/installer/linux/amd64", token: observer)
            #expect(observerDownload.status == .forbidden && observerDownload.code == "FORBIDDEN", "\(observerDownload.text)")
            let minted = try await api.database.withClient { db in
                try await db.query("SELECT count(*)::int FROM install_tokens WHERE client_id = \(client)", logger: testLogger).decode(Int.self)
                    .reduce(into: 0) { $0 += $1 }
            }
            #expect(minted == 0, "no token minted for the observer")
            let download = try await api.send(.get, "/api/installer/linux/amd64", token: admin)
            #expect(download.status == .ok)
            #expect(download.headers[.contentDisposition] == #"attachment; filename="optralis-install-linux-amd64.sh""#)
            let script = download.text
            let token = try #require(script.firstMatch(of: /TOKEN=\$\{1:-'([A-Za-z0-9_-]{43})'\}/)?.1).description
            #expect(script.contains("ARCH='amd64'") && script.contains("-----BEGIN CERTIFICATE-----"))
            try script.write(toFile: work + "/install.sh", atomically: true, encoding: .utf8)
            let syntax = try await ChildProcess.run("/bin/sh", ["-n", work + "/install.sh"])
            #expect(syntax.status == 0, "\(syntax.output)")

            // Run as the machine would (under a prefix instead of /): the agent is fetched, checked,
            // installed, the CA written, then `optralis-agent install` takes over with the token.
            let server = "http://127.0.0.1:\(try #require(api.client.port))"
            let prefix = work + "/root"
            let ran = try await ChildProcess.run(
                "/bin/sh", [work + "/install.sh"], environment: ["OPTRALIS_PREFIX": prefix, "OPTRALIS_SERVER": server, "PATH": "/usr/bin:/bin"])
            #expect(ran.output.contains("Installed \(prefix)/usr/local/bin/optralis-agent; enrolling this machine"), "\(ran.output)")
            #expect(FileManager.default.contentsEqual(atPath: prefix + "/usr/local/bin/optralis-agent", andPath: agent))
            let mode = try FileManager.default.attributesOfItem(atPath: prefix + "/usr/local/bin/optralis-agent")[.posixPermissions] as? Int
            let caMode = try FileManager.default.attributesOfItem(atPath: prefix + "/etc/optralis/ca.crt")[.posixPermissions] as? Int
            #expect(mode == 0o755 && caMode == 0o600)
            #expect(try String(contentsOfFile: prefix + "/etc/optralis/ca.crt", encoding: .utf8).contains("BEGIN CERTIFICATE"))

            // A binary that does not match the published checksum is not installed.
            try await api.sql("UPDATE agent_versions SET checksum_sha256 = \(String(repeating: "0", count: 64))")
            try await api.expireCachedAgentVersions()
            let tampered = work + "/tampered"
            let refused = try await ChildProcess.run(
                "/bin/sh", [work + "/install.sh"], environment: ["OPTRALIS_PREFIX": tampered, "OPTRALIS_SERVER": server, "PATH": "/usr/bin:/bin"])
            #expect(refused.status == 65 && refused.output.contains("checksum mismatch"), "\(refused.status) \(refused.output)")
            #expect(!FileManager.default.fileExists(atPath: tampered + "/usr/local/bin/optralis-agent"))

            // The generic script wants a token; the embedded one enrols a machine of the client.
            let generic = try await api.send(.get, "/install.sh")
            #expect(generic.status == .ok && generic.text.contains("TOKEN=${1:-''}"))
            let enrolled = try await api.send(.post, "/api/public/bootstrap", json: ["token": token, "arch": "amd64", "hostname": "installed-01"])
            #expect(enrolled.status == .ok, "\(enrolled.text)")
            try? FileManager.default.removeItem(atPath: work)
        }
    }
}
