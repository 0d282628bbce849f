import CHiredis

/// One hiredis connection: the only type that touches `redisContext` pointers.
///
/// `@unchecked Sendable` because the pointer is not thread-safe: ``RedisClient`` hands a
/// connection to exactly one borrower at a time (a thread-pool work item) and takes it back
/// when the command is done, so no two threads ever use it at once.
final class RedisConnection: @unchecked Sendable {
    private var context: UnsafeMutablePointer<redisContext>?
    let url: RedisURL
    private let commandTimeoutMs: Int

    /// Connects, authenticates and selects the database, or throws `.connection`.
    init(url: RedisURL, connectTimeoutMs: Int = 2000, commandTimeoutMs: Int = 5000) throws(RedisError) {
        self.url = url
        self.commandTimeoutMs = commandTimeoutMs
        guard let context = redisConnectWithTimeout(url.host, Int32(url.port), optralis_timeval_ms(connectTimeoutMs)) else {
            throw .connection("cannot allocate a redis context")
        }
        self.context = context
        if context.pointee.err != 0 {
            let message = Self.errorString(context)
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
    /// `blockingSeconds` widens the read timeout for blocking commands such as BLMOVE.
    func execute(_ arguments: [String], blockingSeconds: Double? = nil) throws(RedisError) -> RedisValue {
        guard let context else { throw .connection("connection is closed") }
        if let blockingSeconds {
            redisSetTimeout(context, optralis_timeval_ms(Int(blockingSeconds * 1000) + commandTimeoutMs))
        }
        defer {
            if blockingSeconds != nil, let context = self.context {
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
                guard let element = value.element[index] else { elements.append(.null); continue }
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

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { buffer in
            String(decoding: buffer.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}
