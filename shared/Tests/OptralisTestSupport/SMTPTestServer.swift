import Foundation

/// The aiosmtpd server of Fixtures/smtp_server.py, started for one test: a real SMTP peer,
/// optionally with STARTTLS (a self-signed certificate made with openssl) and AUTH.
public final class SMTPTestServer: Sendable {
    public let port: Int
    public let directory: URL
    /// The server's certificate, to trust as the CA when it speaks TLS.
    public let certificateFile: String?
    private let child: ChildProcess

    /// One message as the server received it.
    public struct Received: Decodable, Sendable {
        public let mailFrom: String
        public let rcptTos: [String]
        public let dataBase64: String
        public let tls: Bool
        public let authenticatedAs: String?

        public var data: String { String(decoding: Data(base64Encoded: dataBase64) ?? Data(), as: UTF8.self) }

        enum CodingKeys: String, CodingKey {
            case mailFrom = "mail_from", rcptTos = "rcpt_tos", dataBase64 = "data_base64", tls, authenticatedAs = "authenticated_as"
        }
    }

    public init(tls: Bool = false, user: String? = nil, password: String? = nil) async throws {
        port = try freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("optralis-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard let python = which("python3") else { throw TestEnvironmentError(message: "python3 is missing") }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/smtp_server.py").path
        var arguments = [script, String(port), directory.path]
        if tls {
            let certificate = directory.appendingPathComponent("cert.pem").path
            let key = directory.appendingPathComponent("key.pem").path
            let made = try await ChildProcess.run(
                which("openssl") ?? "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", certificate,
                ])
            guard made.status == 0 else { throw TestEnvironmentError(message: "openssl failed: \(made.output)") }
            arguments += ["--tls-cert", certificate, "--tls-key", key]
            certificateFile = certificate
        } else {
            certificateFile = nil
        }
        if let user, let password { arguments += ["--user", user, "--password", password] }
        child = try ChildProcess(executable: python, arguments: arguments)
        let child = self.child
        guard await eventually(timeout: .seconds(15), { child.output.contains("READY") }) else {
            throw TestEnvironmentError(message: "smtp_server.py did not start: \(child.output)")
        }
    }

    deinit { child.signal(SIGKILL) }

    /// The messages received so far, in arrival order.
    public func received() throws -> [Received] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") }
            .sorted { Int($0.dropLast(5))! < Int($1.dropLast(5))! }
        return try files.map { try JSONDecoder().decode(Received.self, from: Data(contentsOf: directory.appendingPathComponent($0))) }
    }
}
