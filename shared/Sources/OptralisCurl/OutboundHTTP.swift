#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An outgoing HTTP request made with ``CurlClient``.
public struct OutboundRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE"
    }

    public var method: Method
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Whole-transfer limit; connection set-up has its own, shorter one.
    public var timeout: Duration
    public var tls: TLSOptions
    /// Larger responses are cut off with an error rather than filling memory.
    public var maximumResponseBytes: Int
    /// Connect to this address whatever DNS says now (the address ``OutboundTarget`` checked).
    public var pinnedAddress: String?
    /// Connect to this unix domain socket instead of the URL's host and port
    /// (`CURLOPT_UNIX_SOCKET_PATH`): the URL then only gives the path and the `Host` header, as
    /// with `http://localhost/v1.43/containers/json` for the Docker Engine's socket.
    public var unixSocketPath: String?
    /// A body above ``maximumResponseBytes`` is cut there and answered (``OutboundResponse/truncated``
    /// set) rather than thrown as an error: for logs, whose first megabyte is still worth showing.
    public var keepsTruncatedBody = false
    /// A connection of its own (none reused, none kept), whose TLS handshake is timed and whose
    /// peer certificate's expiry is read (``OutboundResponse/certificateExpiresAt``): an APM probe.
    public var measuresFreshConnection = false

    public init(
        method: Method = .get, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        timeout: Duration = .seconds(30), tls: TLSOptions = .init(), maximumResponseBytes: Int = 10 << 20, unixSocketPath: String? = nil
    ) {
        self.unixSocketPath = unixSocketPath
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.tls = tls
        self.maximumResponseBytes = maximumResponseBytes
    }

    /// A POST of a JSON body.
    public static func postJSON(_ url: String, body: [UInt8], headers: [(name: String, value: String)] = [], timeout: Duration = .seconds(30))
        -> OutboundRequest
    {
        OutboundRequest(method: .post, url: url, headers: [("Content-Type", "application/json")] + headers, body: body, timeout: timeout)
    }
}

/// TLS settings for HTTPS and SMTPS/STARTTLS; defaults verify the peer against the system CAs.
public struct TLSOptions: Sendable, Equatable {
    public var verifyPeer: Bool
    /// A PEM bundle of CAs to trust instead of the system's (the Optralis CA for the agent).
    public var caFile: String?
    /// PEM client certificate and key, for mutual TLS.
    public var clientCertificateFile: String?
    public var clientKeyFile: String?

    public init(verifyPeer: Bool = true, caFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil) {
        self.verifyPeer = verifyPeer
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
    }
}

public struct OutboundResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The body stopped at the request's `maximumResponseBytes` (``OutboundRequest/keepsTruncatedBody``).
    public var truncated = false
    /// The whole transfer, connection included (libcurl's `CURLINFO_TOTAL_TIME_T`).
    public var totalTime: Duration?
    /// The peer certificate's `notAfter` (https with ``OutboundRequest/measuresFreshConnection``).
    public var certificateExpiresAt: Date?

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], truncated: Bool = false) {
        (self.status, self.headers, self.body, self.truncated) = (status, headers, body, truncated)
    }

    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.last { $0.name.lowercased() == wanted }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
