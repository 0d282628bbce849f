import CCurl
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore

/// Outbound HTTP and SMTP over libcurl. Each transfer runs on a thread of its own pool,
/// so `curl_easy_perform` never blocks an event loop or the cooperative executor.
public final class CurlClient: Sendable {
    private let workers: CurlWorkers

    /// `concurrency` transfers run at once; more wait for a thread.
    public init(concurrency: Int = 8) {
        workers = CurlWorkers(count: concurrency)
    }

    /// Closes the kept-alive connections before their next use. libcurl reuses a connection
    /// whose TLS settings name the same files, so after the client certificate files are
    /// replaced (a renewal) it would go on presenting the old certificate.
    public func closeConnections() {
        workers.closeConnections()
    }

    /// Transfers already queued finish; later ones throw ``CurlError``.
    public func shutdown() async {
        workers.shutdown()
    }

    /// Sends a request and returns the response whatever its status (a 500 is an answer);
    /// throws ``CurlError`` when there is no answer (DNS, connection, TLS, timeout).
    /// Cancelling the calling task stops the transfer within about a second and throws
    /// `CancellationError`.
    public func send(_ request: OutboundRequest) async throws -> OutboundResponse {
        try await abortable { worker, abort in
            let easy = try worker.reusableEasy()
            try easy.setAbort(abort)
            return try Self.perform(request, easy: easy)
        }
    }

    /// Sends one message over SMTP: EHLO, STARTTLS or TLS as configured, AUTH when a user is
    /// set, MAIL FROM, RCPT TO for each recipient, DATA. Throws when the server refuses, and
    /// `CancellationError` when the calling task is cancelled.
    public func sendMail(_ envelope: SMTPEnvelope, via settings: SMTPSettings) async throws {
        try await abortable { _, abort in
            try Self.performSMTP(envelope, settings, abort: abort)
        }
    }

    /// Runs `body` on a worker thread; cancelling the task raises the flag the transfer checks.
    /// A transfer stopped that way, or not yet started when the task was cancelled, throws
    /// `CancellationError` rather than curl's error.
    private func abortable<T: Sendable>(_ body: @escaping @Sendable (CurlWorker, CurlAbort) throws -> T) async throws -> T {
        let abort = CurlAbort()
        return try await withTaskCancellationHandler {
            try await workers.run { worker in
                if abort.isRaised { throw CancellationError() }
                do {
                    return try body(worker, abort)
                } catch {
                    if abort.isRaised { throw CancellationError() }
                    throw error
                }
            }
        } onCancel: {
            abort.raise()
        }
    }

    private static func perform(_ request: OutboundRequest, easy: CurlEasy) throws -> OutboundResponse {
        easy.sink.maximumBodyBytes = request.maximumResponseBytes
        try easy.set(CURLOPT_URL, request.url)
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_FOLLOWLOCATION, 0)
        try easy.set(CURLOPT_USERAGENT, "optralis/\(OptralisVersion.current)")
        try applyTimeouts(request.timeout, easy)
        try applyTLS(request.tls, easy)
        if let socket = request.unixSocketPath { try easy.set(CURLOPT_UNIX_SOCKET_PATH, socket) }
        if request.measuresFreshConnection {
            try easy.set(CURLOPT_FRESH_CONNECT, 1)
            try easy.set(CURLOPT_FORBID_REUSE, 1)
            try easy.set(CURLOPT_CERTINFO, 1)
        }
        if let pinned = request.pinnedAddress, let components = URLComponents(string: request.url), let host = components.host {
            let port = components.port ?? (components.scheme == "https" ? 443 : 80)
            let address = pinned.contains(":") ? "[\(pinned)]" : pinned
            try easy.set(CURLOPT_RESOLVE, list: ["\(host):\(port):\(address)"])
        }
        switch request.method {
        case .get:
            try easy.set(CURLOPT_HTTPGET, 1)
        case .post:
            try easy.set(CURLOPT_POST, 1)
        case .put, .patch, .delete:
            try easy.set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        if let body = request.body {
            try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
            try body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies POSTFIELDSIZE bytes now, so the buffer may go after.
                try easy.set(CURLOPT_COPYPOSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            }
        }
        // An empty `Expect:` stops curl from waiting for `100 Continue` on larger bodies.
        try easy.set(CURLOPT_HTTPHEADER, list: request.headers.map { "\($0.name): \($0.value)" } + ["Expect:"])
        let outcome = Result { () throws(CurlError) in try easy.perform() }
        var response = OutboundResponse(status: easy.responseCode(), headers: parseHeaders(easy.sink.headerLines), body: easy.sink.body)
        if case .failure(let error) = outcome {
            guard easy.sink.truncated else { throw error }
            guard request.keepsTruncatedBody else { throw CurlError(code: error.code, message: "response larger than \(request.maximumResponseBytes) bytes") }
            response.truncated = true
        }
        if request.measuresFreshConnection {
            response.totalTime = easy.totalTime()
            response.certificateExpiresAt = easy.peerCertificateExpiry()
        }
        return response
    }

    private static func performSMTP(_ envelope: SMTPEnvelope, _ settings: SMTPSettings, abort: CurlAbort) throws {
        guard !envelope.recipients.isEmpty else { throw CurlError(code: -1, message: "an email needs at least one recipient") }
        let easy = try CurlEasy()
        try easy.setAbort(abort)
        try easy.set(CURLOPT_URL, settings.url)
        try easy.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        try applyTimeouts(settings.timeout, easy)
        try applyTLS(settings.tls, easy)
        switch settings.security {
        case .starttls, .tls: try easy.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case .none: try easy.set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
        }
        if let username = settings.username {
            try easy.set(CURLOPT_USERNAME, username)
            try easy.set(CURLOPT_PASSWORD, settings.password ?? "")
        }
        try easy.set(CURLOPT_MAIL_FROM, "<\(envelope.from)>")
        try easy.set(CURLOPT_MAIL_RCPT, list: envelope.recipients.map { "<\($0)>" })
        try easy.setUpload(envelope.message)
        try easy.perform()
    }

    private static func applyTimeouts(_ timeout: Duration, _ easy: CurlEasy) throws(CurlError) {
        let milliseconds = Int(max(1, timeout.milliseconds))
        try easy.set(CURLOPT_TIMEOUT_MS, milliseconds)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, min(milliseconds, 10_000))
    }

    private static func applyTLS(_ tls: TLSOptions, _ easy: CurlEasy) throws(CurlError) {
        try easy.set(CURLOPT_SSL_VERIFYPEER, tls.verifyPeer ? 1 : 0)
        try easy.set(CURLOPT_SSL_VERIFYHOST, tls.verifyPeer ? 2 : 0)
        if let caFile = tls.caFile { try easy.set(CURLOPT_CAINFO, caFile) }
        if let certificate = tls.clientCertificateFile { try easy.set(CURLOPT_SSLCERT, certificate) }
        if let key = tls.clientKeyFile { try easy.set(CURLOPT_SSLKEY, key) }
    }

    /// Header lines of the last response only (a redirect or `100 Continue` adds earlier blocks).
    static func parseHeaders(_ lines: [String]) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        for line in lines {
            if line.hasPrefix("HTTP/") {
                headers.removeAll()
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmed()
            headers.append((name, value))
        }
        return headers
    }
}
