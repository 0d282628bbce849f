import ArgumentParser
import Foundation
import Logging
import OptralisCA
import OptralisCore
import OptralisServer

@main
struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-ca", abstract: "The Optralis certificate authority (internal).", version: OptralisVersion.current)

    func run() async throws {
        let configuration = ServiceMain.configuration(for: "optralis-ca", CAConfiguration.init)
        OptralisLogging.bootstrap(service: "ca", environment: ProcessInfo.processInfo.environment)
        try await CAServer(configuration: configuration, logger: Logger(label: "optralis.ca")).makeApplication().runService()
    }
}
