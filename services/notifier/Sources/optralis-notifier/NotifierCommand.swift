import ArgumentParser
import OptralisNotifier
import OptralisCore
import OptralisServer

@main
struct NotifierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-notifier", abstract: "The Optralis notifier: sends queued email and webhook notifications.", version: OptralisVersion.current)

    func run() async throws {
        try await ServiceMain.serve(executable: "optralis-notifier", service: "notifier", configuration: NotifierConfiguration.init) {
            NotifierServer(configuration: $0, logger: $1).makeApplication()
        }
    }
}
