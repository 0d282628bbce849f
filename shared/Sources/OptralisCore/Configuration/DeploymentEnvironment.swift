/// `OPTRALIS_ENV`: development (the default under `make run`) relaxes checks meant for the
/// internet-facing deployment, such as the webhook SSRF guard and the `Secure` cookie flag.
public enum DeploymentEnvironment: String, CaseIterable, Sendable {
    case development
    case production
}

extension EnvironmentReader {
    public mutating func deploymentEnvironment() -> DeploymentEnvironment {
        choice("OPTRALIS_ENV", default: DeploymentEnvironment.development)
    }

    /// `INTERNAL_SERVICE_TOKEN`, the shared secret carried by calls between services (`X-Internal-Token`).
    public mutating func internalServiceToken() -> String {
        required("INTERNAL_SERVICE_TOKEN", minimumLength: 32, hint: "shared secret between services, e.g. `openssl rand -hex 32`")
    }
}
