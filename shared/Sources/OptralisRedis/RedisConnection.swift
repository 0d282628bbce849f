import CHiredis
import Glibc

/// One hiredis connection: the only type that touches `redisContext` pointers.
///
/// `@unchecked Sendable` because the pointer is not thread-safe: ``RedisClient`` hands a
/// connection to exactly one borrower at a time (a thread-pool work item) and takes it back
/// when the command is done, so no two threads ever use it at once.
final class RedisConnection: @unchecked Sendable {
    private var context: UnsafeMutablePointer<redisContext>?
    let url: RedisURL
    private let commandTimeoutMs: Int
    /// Whether the last `.connection` error was a read or write timeout (the server hung)
    /// rather than a broken connection (the server went away or restarted).
    private(set) var timedOut = false

    /// Connects, authenticates and selects the database, or throws `.connection`.
    init(url: RedisURL, connectTimeoutMs: Int, commandTimeoutMs: Int) throws(RedisError) {
        self.url = url
        self.commandTimeoutMs = commandTimeoutMs
        guard let context = redisConnectWithTimeout(url.host, Int32(url.port), optralis_timeval_ms(connectTimeoutMs)) else {
            throw .connection("cannot allocate a redis context")
        }
        self.context = context
        if context.pointee.err != 0 {
            let message = Self.errorString(context)
            timedOut = Self.isTimeout(context)
            close()
            throw .connection("cannot connect to \(url): \(message)")
        }
        redisSetTimeout(context, optralis_timeval_ms(commandTimeoutMs))
        redisEnableKeepAlive(context)
        if let password = url.password {
            _ = try execute(url.username.map { ["AUTH", $0, password] } ?? ["AUTH", password])
        }
        if url.database != 0 {
            _ = try execute(["SELECT", String(url.database)])
        }
    }

    deinit { close() }

    var isOpen: Bool { context != nil }

    func close() {
        if let context { redisFree(context) }
        context = nil
    }

    /// Sends one command (binary-safe, `redisCommandArgv`). A broken connection closes itself
    /// and throws `.connection`; an error reply throws `.server` and leaves it usable.
    /// `timeoutMs` replaces the command timeout for this command; blocking commands such as
    /// BLMOVE pass their server-side block time plus the command timeout.
    func execute(_ arguments: [String], timeoutMs: Int? = nil) throws(RedisError) -> RedisValue {
        guard let context else { throw .connection("connection is closed") }
        timedOut = false
        if let timeoutMs {
            redisSetTimeout(context, optralis_timeval_ms(timeoutMs))
        }
        defer {
            if timeoutMs != nil, let context = self.context {
                redisSetTimeout(context, optralis_timeval_ms(commandTimeoutMs))
            }
        }
        let encoded = arguments.map { Array($0.utf8) }
        let lengths = encoded.map(\.count)
        let storage: [UInt8] = Array(encoded.joined()) + [0]
        let raw: UnsafeMutableRawPointer? = storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            var offset = 0
            var pointers: [UnsafePointer<CChar>?] = lengths.map { length in
                defer { offset += length }
                return base.advanced(by: offset).assumingMemoryBound(to: CChar.self)
            }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvlen in
                    redisCommandArgv(context, Int32(arguments.count), argv.baseAddress, argvlen.baseAddress)
                }
            }
        }
        guard let raw else {
            let message = context.pointee.err != 0 ? Self.errorString(context) : "no reply"
            timedOut = Self.isTimeout(context)
            close()
            throw .connection(message)
        }
        defer { freeReplyObject(raw) }
        return try Self.decode(raw.assumingMemoryBound(to: redisReply.self))
    }

    private static func decode(_ reply: UnsafeMutablePointer<redisReply>) throws(RedisError) -> RedisValue {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STRING:
            return .bulk(bytes(value.str, value.len))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(value.str, value.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            throw .server(String(decoding: bytes(value.str, value.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(value.integer))
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_ARRAY:
            var elements: [RedisValue] = []
            elements.reserveCapacity(value.elements)
            for index in 0..<value.elements {
                guard let element = value.element[index] else {
                    elements.append(.null)
                    continue
                }
                elements.append(try decode(element))
            }
            return .array(elements)
        default:
            throw .unexpectedReply("reply type \(value.type)")
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }

    /// hiredis 0.14 reports a socket timeout as an I/O error with `EAGAIN` (`SO_RCVTIMEO`) or,
    /// while connecting, `ETIMEDOUT`; its message is `strerror` of that errno.
    private static func isTimeout(_ context: UnsafeMutablePointer<redisContext>) -> Bool {
        guard context.pointee.err == REDIS_ERR_IO else { return false }
        let message = errorString(context)
        return [EAGAIN, EWOULDBLOCK, ETIMEDOUT].contains(errno) || message.contains("temporarily unavailable") || message.contains("timed out")
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { buffer in
            String(decoding: buffer.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}
