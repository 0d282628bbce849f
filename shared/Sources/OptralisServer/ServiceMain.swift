import Foundation
import OptralisCore

/// Start-up helpers shared by the executables.
public enum ServiceMain {
    /// Builds a configuration from the environment, or prints every problem to stderr and
    /// exits with 78 (EX_CONFIG), so a misconfigured service never starts half-way.
    public static func configuration<C>(
        for executable: String, _ make: ([String: String]) throws(ConfigurationError) -> C
    ) -> C {
        do {
            return try make(ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("\(executable): \(error.description)\n".utf8))
            exit(78)
        }
    }
}
