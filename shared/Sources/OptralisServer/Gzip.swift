import CZlib

/// Bodies sent with `Content-Encoding: gzip` (or `deflate`, zlib-wrapped), inflated with zlib up
/// to a limit: a small body that inflates past it is refused as soon as it does, so a
/// "compression bomb" costs at most `limit` bytes of memory and the time to produce them.
public enum Gzip {
    public enum Failure: Error, Equatable {
        /// Not a gzip or zlib stream, corrupt, or cut short.
        case invalid
        /// Inflates to more than the limit.
        case tooLarge
    }

    /// The inflated bytes of a gzip or zlib stream (the header tells which), at most `limit`.
    public static func inflate(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        // Not a zlib status.
        let tooLarge: Int32 = -100
        var stream = z_stream()
        // 15: the largest window; +32: a gzip or a zlib header, detected.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw .invalid }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            while true {
                let (result, produced) = chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    let result = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (result, target.count - Int(stream.avail_out))
                }
                guard result == Z_OK || result == Z_STREAM_END else { return result }
                if output.count + produced > limit { return tooLarge }
                output.append(contentsOf: chunk[..<produced])
                // Input used up before the end: the next call answers Z_BUF_ERROR (cut short).
                if result == Z_STREAM_END { return result }
            }
        }
        switch status {
        case Z_STREAM_END: return output
        case tooLarge: throw .tooLarge
        default: throw .invalid
        }
    }
}
