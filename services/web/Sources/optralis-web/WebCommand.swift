import ArgumentParser
import Foundation
import OptralisCore
import OptralisServer
import OptralisWeb

@main
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-web", abstract: "The Optralis web dashboard.", version: OptralisVersion.current)

    func run() async throws {
        try await ServiceMain.serve(executable: "optralis-web", service: "web", configuration: WebConfiguration.init) {
            do {
                return try await WebServer(configuration: $0, logger: $1).makeApplication()
            } catch {
                FileHandle.standardError.write(Data("optralis-web: cannot load the templates: \(error)\n".utf8))
                Foundation.exit(78)
            }
        }
    }
}
