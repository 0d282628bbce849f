#if canImport(Glibc)
import Glibc
#endif
import Logging
import OptralisCore
import Synchronization

/// A minimal HTTP/1.1 responder for the agent's loopback status routes, on one dedicated thread:
/// accept, read one request, answer, close (`Connection: close`). It serves a scraper and a
/// health probe, nothing more, so it needs no event loop and no server framework, which keeps
/// the agent's memory small. Requests larger than 8 KB, or slower than 2 s to arrive, are dropped.
public final class StatusServer: Sendable {
    public typealias Handler = @Sendable (_ method: String, _ path: String) -> StatusResponse

    private let listener: Int32
    private let handler: Handler
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)

    public struct BindFailed: Error, CustomStringConvertible {
        public let address: String
        public let code: Int32
        public var description: String { "cannot listen on \(address): \(String(cString: strerror(code)))" }
    }

    /// Binds now, so a port in use is reported before anything else starts.
    public init(host: String, port: Int, logger: Logger, handler: @escaping Handler) throws(BindFailed) {
        listener = try Self.listen(host: host, port: port)
        self.handler = handler
        self.logger = logger
    }

    deinit { close(listener) }

    /// Starts the thread that serves until ``stop()``.
    public func start() throws(DetachedThread.StartFailed) {
        try DetachedThread.start { [self] in serve() }
    }

    /// The thread stops accepting within 250 ms.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
    }

    private func serve() {
        var pending = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        while !stopping.load(ordering: .relaxed) {
            guard poll(&pending, 1, 250) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            answer(connection)
            close(connection)
        }
    }

    private func answer(_ connection: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let head = Self.readHead(connection) else { return }
        let requestLine = head.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }.split(separator: UInt8(ascii: " "))
        let response: StatusResponse
        if requestLine.count == 3 {
            let method = String(decoding: requestLine[0], as: UTF8.self)
            let target = String(decoding: requestLine[1], as: UTF8.self)
            let path = String(target.prefix { $0 != "?" })
            response = handler(method, path)
            logger.debug("status request", metadata: ["method": "\(method)", "path": "\(path)", "status": "\(response.status)"])
        } else {
            response = .text(400, "bad request\n")
        }
        let bytes = response.serialised(includeBody: requestLine.first.map { String(decoding: $0, as: UTF8.self) } != "HEAD")
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return }
            sent += count
        }
    }

    /// The bytes up to the blank line that ends the request head; nil if it never comes.
    private static func readHead(_ connection: Int32) -> [UInt8]? {
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while head.count < 8192 {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            head.append(contentsOf: buffer[0..<count])
            if head.count >= 4, head.indices.dropLast(3).contains(where: { head[$0..<$0 + 4].elementsEqual(end) }) { return head }
        }
        return nil
    }

    private static func listen(host: String, port: Int) throws(BindFailed) -> Int32 {
        let address = "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var found: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &found)
        guard resolved == 0, let info = found else { throw BindFailed(address: address, code: EADDRNOTAVAIL) }
        defer { freeaddrinfo(found) }
        let socket = Glibc.socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw BindFailed(address: address, code: errno) }
        var reuse: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        guard bind(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, Glibc.listen(socket, 16) == 0 else {
            let code = errno
            close(socket)
            throw BindFailed(address: address, code: code)
        }
        return socket
    }
}
