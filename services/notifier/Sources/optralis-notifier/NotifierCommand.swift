import ArgumentParser
import Foundation
import Logging
import OptralisNotifier
import OptralisCore
import OptralisServer

@main
struct NotifierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-notifier", abstract: "The Optralis notifier: sends queued email and webhook notifications.", version: OptralisVersion.current)

    func run() async throws {
        let configuration = ServiceMain.configuration(for: "optralis-notifier", NotifierConfiguration.init)
        OptralisLogging.bootstrap(service: "notifier", environment: ProcessInfo.processInfo.environment)
        try await NotifierServer(configuration: configuration, logger: Logger(label: "optralis.notifier")).makeApplication().runService()
    }
}
