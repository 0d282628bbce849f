#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Finds files the repository ships beside the binaries (schema migrations, the OpenAPI
/// document): an explicit path from the environment wins; otherwise the repository is found
/// by walking up from the executable (a build under `.build/`) and from the working
/// directory; otherwise the path the container images use.
public enum ProjectFiles {
    public static func locate(_ relativePath: String, override: String?, containerPath: String) -> String? {
        if let override, !override.isEmpty { return override }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first ?? ""
        let starts = [
            URL(fileURLWithPath: executable).deletingLastPathComponent(),
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        ]
        for start in starts {
            var directory = start.standardizedFileURL
            while directory.path != "/" && !directory.path.isEmpty {
                let candidate = directory.appendingPathComponent(relativePath).path
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
                directory.deleteLastPathComponent()
            }
        }
        return FileManager.default.fileExists(atPath: containerPath) ? containerPath : nil
    }
}
