import Foundation

/// Spec "Validation Conformité OS": is the machine's OS one the agent requirements accept?
/// Linux is compliant while `linux_enabled`; Windows compares the build parsed from
/// `os_version` with the client or server minimum. What cannot be parsed is compliant (fail-safe).
enum OSCompliance {
    static func isCompliant(os: String?, osVersion: String?, requirements: AgentCatalog.Requirements) -> Bool {
        let os = os?.lowercased() ?? "", version = osVersion ?? ""
        if os.contains("linux") { return requirements.linuxEnabled }
        guard os.contains("windows") || version.lowercased().contains("windows") else { return true }
        let isServer = os.contains("server") || version.contains("Server")
        let enabled = isServer ? requirements.windowsServerEnabled : requirements.windowsClientEnabled
        let minimum = isServer ? requirements.windowsServerMinBuild : requirements.windowsClientMinBuild
        guard enabled else { return false }
        let build = buildNumber(version)
        return build == 0 || build >= minimum
    }

    /// The build in "… Build 19045 …" or "10.0.19045[.1234]"; 0 when neither is there.
    static func buildNumber(_ version: String) -> Int {
        if let range = version.range(of: "Build ", options: .caseInsensitive) {
            return Int(version[range.upperBound...].prefix(while: \.isNumber)) ?? 0
        }
        if let range = version.range(of: "10.0.") {
            return Int(version[range.upperBound...].prefix(while: \.isNumber)) ?? 0
        }
        return 0
    }
}
