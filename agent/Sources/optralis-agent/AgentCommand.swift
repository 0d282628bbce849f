import ArgumentParser
import Foundation
import Logging
import OptralisAgent
import OptralisCore
import OptralisServer

@main
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-agent", abstract: "The Optralis host agent.", version: OptralisVersion.current)

    func run() async throws {
        let configuration = ServiceMain.configuration(for: "optralis-agent", AgentConfiguration.init)
        OptralisLogging.bootstrap(service: "agent", environment: ProcessInfo.processInfo.environment)
        try await AgentServer(configuration: configuration, logger: Logger(label: "optralis.agent")).makeApplication().runService()
    }
}
