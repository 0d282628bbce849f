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
            let agent = TestEnvironment.binaryDirectory.appendingPathComponent("optralis-agent").path
            let files = try await Self.publish(agent: agent, in: work + "/downloads", api: api)
            defer { files.signal(SIGTERM) }
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
            #expect(try await api.send(.get, "/api/installer/linux/amd64?max_usage=10001", token: admin).code == "VALIDATION_ERROR")
            // Two uses: the run below, then a bootstrap with the same token.
            let download = try await api.send(.get, "/api/installer/linux/amd64?max_usage=2", token: admin)
            #expect(download.status == .ok)
            #expect(download.headers[.contentDisposition] == #"attachment; filename="optralis-install-linux-amd64.sh""#)
            let script = download.text
            let token = try #require(script.firstMatch(of: /TOKEN=\$\{OPTRALIS_INSTALL_TOKEN:-'([A-Za-z0-9_-]{43})'\}/)?.1).description
            #expect(!script.contains("--token"), "the token goes to the agent in its environment")
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
            #expect(generic.status == .ok && generic.text.contains("TOKEN=${OPTRALIS_INSTALL_TOKEN:-''}"))
            let enrolled = try await api.send(.post, "/api/public/bootstrap", json: ["token": token, "arch": "amd64", "hostname": "installed-01"])
            #expect(enrolled.status == .ok, "\(enrolled.text)")
            try? FileManager.default.removeItem(atPath: work)
        }
    }

    /// Publishes `agent` as the stable linux/amd64 agent, served by a local HTTP server (stop it
    /// with SIGTERM).
    static func publish(agent: String, in downloads: String, api: APIHarness) async throws -> ChildProcess {
        try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: agent, toPath: downloads + "/optralis-agent")
        let hashed = try await ChildProcess.run("/usr/bin/sha256sum", [downloads + "/optralis-agent"])
        let checksum = String(hashed.output.prefix(64))
        let httpPort = try freePort()
        let files = try ChildProcess(
            executable: which("python3") ?? "/usr/bin/python3",
            arguments: [
                "-m", "http.server", String(httpPort), "--bind", "127.0.0.1", "--directory", downloads,
            ])
        let served = await eventually {
            (try? await ChildProcess.run("/usr/bin/curl", ["-fsS", "-o", "/dev/null", "http://127.0.0.1:\(httpPort)/optralis-agent"]))?.status == 0
        }
        if !served { files.signal(SIGTERM) }
        try #require(served, "python3 -m http.server: \(files.output)")
        try await api.sql(
            """
            INSERT INTO agent_versions (version, channel, platform, architecture, download_url, checksum_sha256, file_size_bytes, is_active)
            VALUES ('1.0.0', 'stable', 'linux', 'amd64', \("http://127.0.0.1:\(httpPort)/optralis-agent"), \(checksum), 1, true)
            """)
        return files
    }

    /// Issue 17, item 3: the token reaches the agent in `OPTRALIS_INSTALL_TOKEN`, never in an
    /// argument list that `ps` shows; without a token and a terminal, the script says how to give one.
    @Test func the_installer_hands_the_token_to_the_agent_in_its_environment_never_on_a_command_line() async throws {
        try await APIHarness.run { api in
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("installer-env-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            // An "agent" that writes down its arguments and the token it was given.
            try writeExecutable(
                """
                #!/bin/sh
                printf '%s\\n' "$@" > "$OPTRALIS_PREFIX/argv"
                printf '%s' "${OPTRALIS_INSTALL_TOKEN:-}" > "$OPTRALIS_PREFIX/env-token"
                """, to: work + "/fake-agent")
            let files = try await Self.publish(agent: work + "/fake-agent", in: work + "/downloads", api: api)
            defer { files.signal(SIGTERM) }
            let script = work + "/install.sh"
            try (try await api.send(.get, "/install.sh")).text.write(toFile: script, atomically: true, encoding: .utf8)
            let server = "http://127.0.0.1:\(try #require(api.client.port))"
            let secret = "s3cret-" + UUID().uuidString
            func install(prefix: String, token: String?, arguments: [String] = []) async throws -> (status: Int32, output: String) {
                var environment = ["OPTRALIS_PREFIX": prefix, "OPTRALIS_SERVER": server, "PATH": "/usr/bin:/bin"]
                environment["OPTRALIS_INSTALL_TOKEN"] = token
                // setsid: no controlling terminal, as under an automation tool.
                return try await ChildProcess.run("/usr/bin/setsid", ["-w", "/bin/sh", script] + arguments, environment: environment)
            }

            let viaEnvironment = try await install(prefix: work + "/a", token: secret)
            #expect(viaEnvironment.status == 0, "\(viaEnvironment.output)")
            let argv = try String(contentsOfFile: work + "/a/argv", encoding: .utf8)
            #expect(!argv.contains(secret) && !argv.contains("--token") && argv.contains("install"), "\(argv)")
            #expect(try String(contentsOfFile: work + "/a/env-token", encoding: .utf8) == secret)

            let none = try await install(prefix: work + "/b", token: nil)
            #expect(none.status == 64 && none.output.contains("OPTRALIS_INSTALL_TOKEN"), "\(none.status) \(none.output)")
            #expect(!FileManager.default.fileExists(atPath: work + "/b/usr/local/bin/optralis-agent"))

            // A command copied before still works, with a warning, and the agent gets it the new way.
            let legacy = try await install(prefix: work + "/c", token: nil, arguments: [secret])
            #expect(legacy.status == 0 && legacy.output.contains("shows in ps and shell history"), "\(legacy.output)")
            #expect(!(try String(contentsOfFile: work + "/c/argv", encoding: .utf8)).contains(secret))
            #expect(try String(contentsOfFile: work + "/c/env-token", encoding: .utf8) == secret)
            try? FileManager.default.removeItem(atPath: work)
        }
    }
}
