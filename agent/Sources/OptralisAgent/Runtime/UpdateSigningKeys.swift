/// The public keys whose signature an update needs (base64 of the 32-byte Ed25519 public key,
/// as `optralis-ca keygen-agent-signing` writes `agent-update-signing.pub`). Any one of them
/// verifying is enough: a rotation lists the new key beside the old one for at least one
/// release (docs/update-signing.md, "Rotation").
///
/// Empty until the first key ceremony (docs/update-signing.md): until then the agent refuses
/// every update and says so at start.
enum UpdateSigningKeys {
    static let release: [String] = []
}
