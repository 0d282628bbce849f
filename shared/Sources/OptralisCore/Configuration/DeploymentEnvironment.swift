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

    /// `CA_SERVICE_TOKEN`, the secret of the ca's internal routes (`X-Internal-Token`), held only
    /// by the ca and the api: a leak of `INTERNAL_SERVICE_TOKEN`, which the ai and scheduler hold
    /// too, cannot issue or revoke agent certificates. Production requires it, distinct from
    /// `INTERNAL_SERVICE_TOKEN`; in development it falls back to `INTERNAL_SERVICE_TOKEN`.
    public mutating func caServiceToken(in environment: DeploymentEnvironment) -> String {
        let hint = "secret of the ca's internal routes, distinct from INTERNAL_SERVICE_TOKEN, e.g. `openssl rand -hex 32`"
        if environment == .development, value("CA_SERVICE_TOKEN") == nil {
            return internalServiceToken()
        }
        let token = required("CA_SERVICE_TOKEN", minimumLength: 32, hint: hint)
        if environment == .production, !token.isEmpty, token == value("INTERNAL_SERVICE_TOKEN") {
            report("CA_SERVICE_TOKEN", "must differ from INTERNAL_SERVICE_TOKEN in production")
        }
        return token
    }
}
