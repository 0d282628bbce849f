#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ArgumentParser
import Logging
import OptralisAgent
import OptralisCore
import OptralisCurl

struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-agent", abstract: "The Optralis host agent.", version: OptralisVersion.current,
        subcommands: [Run.self, Install.self, Collect.self, Status.self], defaultSubcommand: Run.self)

    struct Directories: ParsableArguments {
        @Option(help: "Identity files (agent.json, certificate, key, CA).") var configDir =
            ProcessInfo.processInfo.environment["OPTRALIS_CONFIG_DIR"] ?? "/etc/optralis"
        @Option(help: "Spool, sequences, journal cursor.") var stateDir = ProcessInfo.processInfo.environment["OPTRALIS_STATE_DIR"] ?? "/var/lib/optralis"
        var files: AgentFiles { AgentFiles(configDirectory: configDir, stateDirectory: stateDir) }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Collect and post in the foreground (what the systemd unit runs).")
        @OptionGroup var directories: Directories
        @Option(help: "trace, debug, info, notice, warning, error.") var logLevel: String?

        func run() async throws {
            setenv("OPTRALIS_CONFIG_DIR", directories.configDir, 1)
            setenv("OPTRALIS_STATE_DIR", directories.stateDir, 1)
            if let logLevel { setenv("LOG_LEVEL", logLevel, 1) }
            let environment = ProcessInfo.processInfo.environment
            let configuration = ConfigurationLoader.load(for: "optralis-agent", environment: environment, AgentConfiguration.init)
            OptralisLogging.bootstrap(service: "agent", environment: environment)
            try await AgentApplication(configuration: configuration, logger: Logger(label: "optralis.agent")).run()
        }
    }

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol this machine with an install token and start the service.",
            discussion: "The token comes from OPTRALIS_INSTALL_TOKEN, else from standard input (asked for, without echo, on a terminal).")
        // Unconditional: a base64url token starts with "-" one time in 64, and was then read as an option.
        @Option(
            parsing: .unconditional,
            help: "Deprecated: the install token on the command line shows in ps and shell history. Set OPTRALIS_INSTALL_TOKEN, or give it on standard input.")
        var token: String?
        @Option(help: "The server's public URL, e.g. https://monitoring.example.com.") var server: String
        @OptionGroup var directories: Directories
        @Flag(help: "Do not install the systemd unit.") var noService = false

        func run() async throws {
            let token = try InstallToken.read(option: self.token)
            let http = CurlClient(concurrency: 1)
            defer { Task { await http.shutdown() } }
            let enroller = Enroller(files: directories.files, http: http)
            let enrolment = try await enroller.enrol(token: token, server: server, facts: MachineFacts.current())
            print("Enrolled as machine \(enrolment.machineID.uuidString.lowercased()); agent port \(enrolment.agentAPIURL)")
            print("Identity written to \(directories.configDir) (certificate valid until \(enrolment.certificateExpiresAt.formatted(.iso8601)))")
            if !noService {
                let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
                if try await enroller.installService(binary: binary) {
                    print("Service optralis-agent installed and started")
                } else {
                    print("No systemd service installed (not root, or no systemd): run `optralis-agent run --config-dir \(directories.configDir)`")
                }
            }
        }
    }

    struct Collect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print what the collectors would send, without sending it.")
        @Flag(help: "Collect once and exit (the only mode).") var once = false
        @Option(help: "Only this collector.") var collector: String?
        @Flag(help: "JSON output (the only format).") var json = false
        @OptionGroup var directories: Directories

        func run() async throws {
            let all = CollectorSet.linux(stateDirectory: FileManager.default.temporaryDirectory.path, gateway: nil)
            let chosen = all.filter { collector == nil || $0.kind == collector }
            guard !chosen.isEmpty else { throw ValidationError("unknown collector; one of \(all.map(\.kind).joined(separator: ", "))") }
            var output: [String: JSONValue] = [:]
            for item in chosen { output[item.kind] = try JSONDecoder().decode(JSONValue.self, from: try await item.collect()) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enrolment, server, last delivered post, spool size.")
        @OptionGroup var directories: Directories

        func run() async throws {
            let files = directories.files
            guard let enrolment = try? files.enrolment() else {
                print("not enrolled (\(files.enrolmentFile) missing)")
                throw ExitCode(3)
            }
            let spool = Spool(directory: files.spoolDirectory)
            let usage = await spool.usage()
            let last = (try? String(contentsOfFile: files.statusFile, encoding: .utf8)) ?? "never"
            print("machine:     \(enrolment.machineID.uuidString.lowercased())")
            print("server:      \(enrolment.serverURL)")
            print("agent port:  \(enrolment.agentAPIURL)")
            print("certificate: valid until \(enrolment.certificateExpiresAt.formatted(.iso8601))")
            print("last post:   \(last.trimmed())")
            print("spool:       \(usage.posts) posts waiting, \(usage.bytes) bytes")
        }
    }
}
