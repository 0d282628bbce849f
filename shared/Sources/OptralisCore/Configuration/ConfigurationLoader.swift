#if canImport(Glibc)
import Glibc
#endif

/// Start-up configuration for every executable, the agent included.
public enum ConfigurationLoader {
    /// Builds a configuration from the environment, or prints every problem to stderr and
    /// exits with 78 (EX_CONFIG), so a misconfigured program never starts half-way.
    public static func load<C>(
        for executable: String, environment: [String: String], _ make: ([String: String]) throws(ConfigurationError) -> C
    ) -> C {
        do {
            return try make(environment)
        } catch {
            let message = Array("\(executable): \(error.description)\n".utf8)
            _ = message.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            exit(78)
        }
    }
}
