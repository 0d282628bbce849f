import ArgumentParser
import Foundation
import OptralisCA
import OptralisCore
import OptralisServer
import OptralisUpdateSigning

@main
struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-ca", abstract: "The Optralis certificate authority (internal).", version: OptralisVersion.current,
        subcommands: [Serve.self, ServerCertificate.self, KeygenAgentSigning.self, SignAgent.self], defaultSubcommand: Serve.self)

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

    /// Run offline, on the machine that keeps the private key (docs/update-signing.md).
    struct KeygenAgentSigning: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen-agent-signing",
            abstract:
                "Make the Ed25519 key pair that signs agent builds: agent-update-signing.key (private, mode 0600, keep it offline) and agent-update-signing.pub."
        )

        @Option(help: "Where to write them (created with mode 0700 if missing). Existing keys are never overwritten.") var out: String

        func run() throws {
            let keyFile = out + "/agent-update-signing.key", publicFile = out + "/agent-update-signing.pub"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard !FileManager.default.fileExists(atPath: publicFile) else { throw ValidationError("\(publicFile) exists: a key pair is never overwritten") }
            let signer = UpdateSigner.generate()
            // Created exclusively with mode 0600: the key is never readable by others, not even for a moment.
            let descriptor = open(keyFile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw ValidationError("cannot create \(keyFile): \(String(cString: strerror(errno))) (a key is never overwritten)") }
            let bytes = Array(signer.keyFile.utf8)
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            let synced = fsync(descriptor) == 0
            close(descriptor)
            guard written == bytes.count, synced else { throw ValidationError("cannot write \(keyFile)") }
            try signer.publicKey.write(toFile: publicFile, atomically: true, encoding: .utf8)
            print("wrote \(keyFile) (private: keep it offline) and \(publicFile)")
            print("public key: \(signer.publicKey)", terminator: "")
        }
    }

    struct SignAgent: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-agent",
            abstract:
                "Sign an agent build: writes <binary>.sig, one line of base64 of the Ed25519 signature of its SHA-256, version, platform and architecture.")

        @Option(help: "The private key file from keygen-agent-signing; refused when group or others can read it.") var key: String
        @Option(help: "The version the build is published as (1.4.0).") var version: String
        @Option(help: "linux or windows.") var platform: String
        @Option(help: "amd64 or arm64.") var architecture: String
        @Argument(help: "The agent binary.") var binary: String

        func run() throws {
            var status = stat()
            guard stat(key, &status) == 0 else { throw ValidationError("cannot read \(key): \(String(cString: strerror(errno)))") }
            guard status.st_mode & 0o077 == 0 else { throw ValidationError("\(key) is readable by group or others: chmod 600 it") }
            do {
                let signer = try UpdateSigner(keyFile: try String(contentsOfFile: key, encoding: .utf8))
                let release = try AgentRelease(
                    version: version, platform: platform, architecture: architecture, binary: try Data(contentsOf: URL(fileURLWithPath: binary)))
                try signer.signatureFile(for: release).write(toFile: binary + ".sig", atomically: true, encoding: .utf8)
                print("signed \(binary) as \(release.version) \(release.platform)/\(release.architecture), sha256 \(release.sha256): wrote \(binary).sig")
                print("public key: \(signer.publicKey)", terminator: "")
            } catch let error as AgentRelease.Invalid {
                throw ValidationError(error.description)
            } catch let error as UpdateSigningText.Invalid {
                throw ValidationError("\(key): \(error.description)")
            }
        }
    }
}
