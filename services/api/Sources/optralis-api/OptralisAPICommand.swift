import Foundation
import ArgumentParser
import Logging
import OptralisAPI
import OptralisCore
import OptralisServer

struct OptralisAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-api",
        abstract: "The Optralis gateway: user, admin and agent routes.",
        version: OptralisVersion.current,
        subcommands: [Serve.self, Migrate.self],
        defaultSubcommand: Serve.self)

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Migrate the schema, then serve (default).")

        func run() async throws {
            try await ServiceMain.serve(executable: "optralis-api", service: "api", configuration: APIConfiguration.init) {
                do {
                    return try await APIServer(configuration: $0, logger: $1).makeApplication()
                } catch {
                    FileHandle.standardError.write(Data("optralis-api: cannot start the agent mTLS port: \(error)\n".utf8))
                    Foundation.exit(78)
                }
            }
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations and exit.")

        func run() async throws {
            let configuration = ServiceMain.configuration(for: "optralis-api migrate", MigrateConfiguration.init)
            OptralisLogging.bootstrap(service: "api", environment: ProcessInfo.processInfo.environment)
            try await SchemaMigrator.run(configuration: configuration, logger: Logger(label: "optralis.api.migrate"))
        }
    }
}
