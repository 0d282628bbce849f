import ArgumentParser
import Foundation
import OptralisCA
import OptralisCore
import OptralisServer

@main
struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-ca", abstract: "The Optralis certificate authority (internal).", version: OptralisVersion.current)

    func run() async throws {
        try await ServiceMain.serve(executable: "optralis-ca", service: "ca", configuration: CAConfiguration.init) {
            do {
                return try CAServer(configuration: $0, logger: $1).makeApplication()
            } catch {
                FileHandle.standardError.write(Data("optralis-ca: cannot load the certificate authority: \(error)\n".utf8))
                Foundation.exit(78)
            }
        }
    }
}
