import ArgumentParser
import Foundation
import Logging
import OptralisAI
import OptralisCore
import OptralisServer

@main
struct AICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-ai", abstract: "The Optralis AI service: health scores, drift, Claude narratives.", version: OptralisVersion.current)

    func run() async throws {
        let configuration = ServiceMain.configuration(for: "optralis-ai", AIConfiguration.init)
        OptralisLogging.bootstrap(service: "ai", environment: ProcessInfo.processInfo.environment)
        try await AIServer(configuration: configuration, logger: Logger(label: "optralis.ai")).makeApplication().runService()
    }
}
