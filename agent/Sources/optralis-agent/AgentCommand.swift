import ArgumentParser
import OptralisAgent
import OptralisCore
import OptralisServer

@main
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-agent", abstract: "The Optralis host agent.", version: OptralisVersion.current)

    func run() async throws {
        try await ServiceMain.serve(executable: "optralis-agent", service: "agent", configuration: AgentConfiguration.init) {
            AgentServer(configuration: $0, logger: $1).makeApplication()
        }
    }
}
