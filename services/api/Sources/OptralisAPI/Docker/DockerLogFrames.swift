/// One line of a container's logs and the stream it was written to.
struct DockerLogLine: Encodable, Sendable, Equatable {
    let stream: String
    let text: String
}

/// Splits what `GET /containers/{id}/logs` answers into lines.
///
/// Without a TTY the engine multiplexes stdout and stderr into one body of frames, each behind
/// an 8-byte header: the stream (0 stdin, 1 stdout, 2 stderr), three zero bytes, then the
/// payload's length as a big-endian 32-bit integer. A frame holds any part of the output (often
/// a line, not always), so lines are put back together per stream. With a TTY the body is the
/// raw terminal output, one stream. A body cut at the size limit ends mid-frame: that last piece
/// is dropped; bytes that are not a frame header stop the decoding there.
enum DockerLogFrames {
    static let streams = ["stdin", "stdout", "stderr"]

    static func lines(_ body: [UInt8], multiplexed: Bool) -> [DockerLogLine] {
        guard multiplexed else { return split(body[...], stream: "stdout", keepingTail: true).lines }
        var lines: [DockerLogLine] = []
        var pending: [Int: [UInt8]] = [:]
        var offset = 0
        while offset + 8 <= body.count {
            let kind = Int(body[offset])
            guard kind < streams.count, body[offset + 1] == 0, body[offset + 2] == 0, body[offset + 3] == 0 else { break }
            let size = body[(offset + 4)..<(offset + 8)].reduce(0) { $0 << 8 | Int($1) }
            let end = offset + 8 + size
            guard end <= body.count else { break }
            let joined = (pending[kind] ?? []) + body[(offset + 8)..<end]
            let (complete, rest) = split(joined[...], stream: streams[kind], keepingTail: false)
            lines += complete
            pending[kind] = rest
            offset = end
        }
        for (kind, rest) in pending.sorted(by: { $0.key < $1.key }) where !rest.isEmpty {
            lines.append(DockerLogLine(stream: streams[kind], text: text(rest[...])))
        }
        return lines
    }

    /// The complete lines of `bytes`, and what follows the last newline (made a line too when
    /// `keepingTail`).
    private static func split(_ bytes: ArraySlice<UInt8>, stream: String, keepingTail: Bool) -> (lines: [DockerLogLine], rest: [UInt8]) {
        var lines: [DockerLogLine] = []
        var start = bytes.startIndex
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            lines.append(DockerLogLine(stream: stream, text: text(bytes[start..<index])))
            start = index + 1
        }
        let rest = Array(bytes[start...])
        if keepingTail, !rest.isEmpty { lines.append(DockerLogLine(stream: stream, text: text(rest[...]))) }
        return (lines, keepingTail ? [] : rest)
    }

    /// UTF-8 (invalid bytes replaced), without the `\r` a TTY puts before each newline.
    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        let trimmed = bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes
        return String(decoding: trimmed, as: UTF8.self)
    }
}
