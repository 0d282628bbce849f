import Foundation
import Logging
import NIOSSL
import OptralisCA
import PostgresNIO

/// Enrols a fleet straight into the database, as the bootstrap route would: one client
/// (enterprise licence), its machines, and per machine a key and a certificate signed by the
/// real CA code (`CertificateAuthority.issue`), recorded in `client_certificates`.
struct FleetSeeder {
    let database: PostgresClient
    let logger: Logger

    /// Waits until the api has applied the migrations (it does so at start-up).
    func waitForSchema() async throws {
        for _ in 0..<600 {
            let applied = try? await database.query("SELECT count(*)::int FROM schema_migrations WHERE version = 3", logger: logger)
                .decode(Int.self).reduce(into: 0) { $0 = $1 }
            if applied == 1 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SchemaMissing()
    }

    struct SchemaMissing: Error, CustomStringConvertible {
        var description: String { "the api did not migrate the database within 60 s" }
    }

    func seed(count: Int, caDirectory: String, serverCA: String) async throws -> [SimulatedAgent] {
        let authority = try CertificateAuthority.loadOrCreate(directory: caDirectory)
        let trust = try NIOSSLCertificate.fromPEMFile(serverCA)
        let clientID = try await database.query(
            "INSERT INTO clients (name, license_type) VALUES ('Ingest bench', 'enterprise') RETURNING id", logger: logger
        ).decode(UUID.self).reduce(into: UUID()) { $0 = $1 }
        let machines = try await database.query(
            "INSERT INTO machines (client_id, hostname, os, architecture) SELECT \(clientID), 'bench-' || i, 'linux', 'amd64' FROM generate_series(1, \(count)) AS i RETURNING id",
            logger: logger
        ).decode(UUID.self).reduce(into: [UUID]()) { $0.append($1) }
        var agents: [SimulatedAgent] = []
        var serials: [String] = [], expiries: [Date] = []
        for machine in machines {
            let issued = try authority.issue(clientID: clientID, machineID: machine)
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(issued.certificatePEM.utf8)).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(issued.privateKeyPEM.utf8), format: .pem))
            tls.trustRoots = .certificates(trust)
            tls.certificateVerification = .noHostnameVerification
            // The key exchange the agent's libcurl (OpenSSL 3.0, Debian 12) offers: X25519 first,
            // no hybrid post-quantum share, which BoringSSL would otherwise put first and which
            // costs the gateway about 40 % more per handshake.
            tls.curves = [.x25519, .secp256r1, .secp384r1]
            agents.append(SimulatedAgent(machineID: machine, tls: try NIOSSLContext(configuration: tls)))
            serials.append(issued.serialHex)
            expiries.append(issued.expiresAt)
        }
        try await database.query(
            """
            INSERT INTO client_certificates (client_id, machine_id, serial, expires_at)
            SELECT \(clientID), m, s, e FROM unnest(\(machines)::uuid[], \(serials)::text[], \(expiries)::timestamptz[]) AS t(m, s, e)
            """, logger: logger)
        return agents
    }
}
