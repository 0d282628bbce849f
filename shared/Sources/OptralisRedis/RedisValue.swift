/// A reply from Redis (RESP2, as hiredis 0.14 reads it).
public enum RedisValue: Sendable, Equatable {
    case bulk([UInt8])
    case status(String)
    case integer(Int64)
    case array([RedisValue])
    case null

    /// A bulk or status reply as text; nil for null and other kinds.
    public var string: String? {
        switch self {
        case .bulk(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text): text
        default: nil
        }
    }

    public var integer: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    public var array: [RedisValue]? {
        if case .array(let values) = self { values } else { nil }
    }

    public var isNull: Bool { self == .null }
}

/// What can go wrong talking to Redis.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server could not be reached or the connection broke (Redis restarting, network).
    case connection(String)
    /// Redis answered with an error reply (`WRONGTYPE …`, `NOAUTH …`).
    case server(String)
    /// A reply of a kind the command does not return.
    case unexpectedReply(String)
    /// The client was shut down.
    case shutdown

    public var description: String {
        switch self {
        case .connection(let message): "redis connection error: \(message)"
        case .server(let message): "redis error: \(message)"
        case .unexpectedReply(let message): "unexpected redis reply: \(message)"
        case .shutdown: "redis client is shut down"
        }
    }
}
