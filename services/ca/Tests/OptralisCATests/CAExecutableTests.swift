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
        let result = try await ChildProcess.run(binary, [], environment: [
            "PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://u:p@127.0.0.1:1/db", "INTERNAL_SERVICE_TOKEN": String(repeating: "i", count: 40),
            "CA_DIR": directory,
        ])
        #expect(result.status == 78)
        #expect(result.output.contains("readable by group or others"), "\(result.output)")
    }
}
