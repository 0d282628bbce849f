import ArgumentParser
import Foundation
import Logging
import OptralisScheduler
import OptralisCore
import OptralisServer

@main
struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-scheduler", abstract: "The Optralis scheduler: retention, offline detection, reminders, roll-ups.", version: OptralisVersion.current)

    func run() async throws {
        let configuration = ServiceMain.configuration(for: "optralis-scheduler", SchedulerConfiguration.init)
        OptralisLogging.bootstrap(service: "scheduler", environment: ProcessInfo.processInfo.environment)
        try await SchedulerServer(configuration: configuration, logger: Logger(label: "optralis.scheduler")).makeApplication().runService()
    }
}
