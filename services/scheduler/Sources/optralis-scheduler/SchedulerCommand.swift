import ArgumentParser
import OptralisScheduler
import OptralisCore
import OptralisServer

@main
struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-scheduler", abstract: "The Optralis scheduler: retention, offline detection, reminders, roll-ups.", version: OptralisVersion.current)

    func run() async throws {
        try await ServiceMain.serve(executable: "optralis-scheduler", service: "scheduler", configuration: SchedulerConfiguration.init) {
            SchedulerServer(configuration: $0, logger: $1).makeApplication()
        }
    }
}
