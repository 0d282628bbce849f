import ArgumentParser
import OptralisAI
import OptralisCore
import OptralisServer

@main
struct AICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-ai", abstract: "The Optralis AI service: health scores, drift, Claude narratives.", version: OptralisVersion.current)

    func run() async throws {
        try await ServiceMain.serve(executable: "optralis-ai", service: "ai", configuration: AIConfiguration.init) {
            AIServer(configuration: $0, logger: $1).makeApplication()
        }
    }
}
