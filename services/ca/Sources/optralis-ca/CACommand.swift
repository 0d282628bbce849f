import ArgumentParser
import Foundation
import OptralisCA
import OptralisCore
import OptralisServer

@main
struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-ca", abstract: "The Optralis certificate authority (internal).", version: OptralisVersion.current,
        subcommands: [Serve.self, ServerCertificate.self], defaultSubcommand: Serve.self)

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the internal API (default).")

        func run() async throws {
            try await ServiceMain.serve(executable: "optralis-ca", service: "ca", configuration: CAConfiguration.init) {
                do {
                    return try CAServer(configuration: $0, logger: $1).makeApplication()
                } catch {
                    FileHandle.standardError.write(Data("optralis-ca: cannot load the certificate authority: \(error)\n".utf8))
                    Foundation.exit(78)
                }
            }
        }
    }

    struct ServerCertificate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "server-cert",
            abstract: "Write the api's agent-port TLS certificate (server.crt, server.key) and the CA certificate (ca.crt) to a directory.")

        @Option(name: .customLong("name"), help: "A host name or IPv4 address agents connect to (repeatable).") var names: [String]
        @Option(help: "Where to write the files.") var out: String

        func run() throws {
            guard let directory = ProcessInfo.processInfo.environment["CA_DIR"], !directory.isEmpty else {
                throw ValidationError("CA_DIR is required: the directory of the CA key and certificate")
            }
            guard !names.isEmpty else { throw ValidationError("give at least one --name") }
            let authority = try CertificateAuthority.loadOrCreate(directory: directory)
            let (certificate, key) = try authority.issueServer(names: names)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try certificate.write(toFile: out + "/server.crt", atomically: true, encoding: .utf8)
            FileManager.default.createFile(atPath: out + "/server.key", contents: Data(key.utf8), attributes: [.posixPermissions: 0o600])
            try authority.certificatePEM.write(toFile: out + "/ca.crt", atomically: true, encoding: .utf8)
            print("wrote \(out)/server.crt, \(out)/server.key, \(out)/ca.crt for \(names.joined(separator: ", "))")
        }
    }
}
