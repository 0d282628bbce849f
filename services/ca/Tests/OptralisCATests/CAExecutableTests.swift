import Foundation
import OptralisTestSupport
import Testing

@Suite("optralis-ca executable")
struct CAExecutableTests {
    var binary: String { TestEnvironment.binaryDirectory.appendingPathComponent("optralis-ca").path }

    @Test func starts_answers_health_and_metrics_and_stops_on_sigterm() async throws {
        let database = try await TestDatabase.create()
        var environment = try ServiceLifecycleCheck.serverEnvironment(database: database)
        environment["CA_DIR"] = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString)").path
        try await ServiceLifecycleCheck.run(
            binary: "optralis-ca", service: "ca", portVariable: "CA_PORT", environment: environment, expectedChecks: ["postgres"])
        #expect(FileManager.default.fileExists(atPath: environment["CA_DIR"]! + "/ca.key"), "the CA was created on first start")
        try await database.drop()
    }

    @Test func refuses_to_start_without_its_required_configuration() async throws {
        let result = try await ChildProcess.run(binary, [], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 78)
        #expect(result.output.contains("DATABASE_URL") && result.output.contains("CA_DIR"), "\(result.output)")
    }

    /// Issue 17, item 7: the ca's routes issue certificates, so in production their secret is
    /// one only the api shares, not the INTERNAL_SERVICE_TOKEN the ai and scheduler hold too.
    @Test func in_production_refuses_to_start_without_a_token_of_its_own() async throws {
        let internalToken = String(repeating: "i", count: 40)
        var environment = [
            "PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://u:p@127.0.0.1:1/db", "INTERNAL_SERVICE_TOKEN": internalToken,
            "CA_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString)").path, "OPTRALIS_ENV": "production",
        ]
        let missing = try await ChildProcess.run(binary, [], environment: environment)
        #expect(missing.status == 78)
        #expect(missing.output.contains("CA_SERVICE_TOKEN is required"), "\(missing.output)")
        environment["CA_SERVICE_TOKEN"] = internalToken
        let shared = try await ChildProcess.run(binary, [], environment: environment)
        #expect(shared.status == 78)
        #expect(shared.output.contains("CA_SERVICE_TOKEN must differ from INTERNAL_SERVICE_TOKEN"), "\(shared.output)")
    }

    @Test func refuses_to_start_with_a_ca_key_others_can_read() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: directory + "/ca.key", contents: Data("not a key".utf8), attributes: [.posixPermissions: 0o644])
        let result = try await ChildProcess.run(
            binary, [],
            environment: [
                "PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://u:p@127.0.0.1:1/db", "INTERNAL_SERVICE_TOKEN": String(repeating: "i", count: 40),
                "CA_DIR": directory,
            ])
        #expect(result.status == 78)
        #expect(result.output.contains("readable by group or others"), "\(result.output)")
    }

    @Test func agent_signing_keys_are_made_private_never_overwritten_and_a_readable_key_signs_nothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signing-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let made = try await ChildProcess.run(binary, ["keygen-agent-signing", "--out", directory + "/keys"])
        #expect(made.status == 0, "\(made.output)")
        let key = directory + "/keys/agent-update-signing.key"
        #expect(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: directory + "/keys")[.posixPermissions] as? Int == 0o700)
        let publicKey = try String(contentsOfFile: directory + "/keys/agent-update-signing.pub", encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(Data(base64Encoded: publicKey)?.count == 32 && made.output.contains("public key: \(publicKey)"), "\(made.output)")
        let original = FileManager.default.contents(atPath: key)
        let again = try await ChildProcess.run(binary, ["keygen-agent-signing", "--out", directory + "/keys"])
        #expect(again.status != 0 && again.output.contains("never overwritten") && FileManager.default.contents(atPath: key) == original, "\(again.output)")

        let build = directory + "/optralis-agent-1.4.0-linux-amd64"
        try Data("a build".utf8).write(to: URL(fileURLWithPath: build))
        let arguments = ["sign-agent", "--key", key, "--version", "1.4.0", "--platform", "linux", "--architecture", "amd64", build]
        let signed = try await ChildProcess.run(binary, arguments)
        #expect(signed.status == 0 && signed.output.contains(publicKey), "\(signed.output)")
        let signature = try String(contentsOfFile: build + ".sig", encoding: .utf8)
        #expect(signature.hasSuffix("\n") && Data(base64Encoded: String(signature.dropLast()))?.count == 64, "\(signature)")

        let wrongArchitecture = try await ChildProcess.run(binary, Array(arguments.dropLast(2)) + ["x86_64", build])
        #expect(wrongArchitecture.status != 0 && wrongArchitecture.output.contains("architecture must be amd64 or arm64"), "\(wrongArchitecture.output)")
        try FileManager.default.removeItem(atPath: build + ".sig")
        chmod(key, 0o640)
        let readable = try await ChildProcess.run(binary, arguments)
        #expect(readable.status != 0 && readable.output.contains("readable by group or others"), "\(readable.output)")
        #expect(!FileManager.default.fileExists(atPath: build + ".sig"))
    }
}
