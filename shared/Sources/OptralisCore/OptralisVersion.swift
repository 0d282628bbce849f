/// The version every executable reports in `/health`, `--version` and the agent's user agent.
public enum OptralisVersion {
    public static let current = "0.1.0"
}
