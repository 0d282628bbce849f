/// One variable that is missing or malformed.
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    public let variable: String
    public let reason: String

    public var description: String { "\(variable) \(reason)" }
}

/// Thrown when a service's environment does not let it start; its description names each variable.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let problems: [ConfigurationProblem]

    public var description: String {
        "invalid configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
