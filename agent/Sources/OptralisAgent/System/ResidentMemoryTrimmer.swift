#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Keeps resident only the pages of code and read-only data the agent actually runs.
///
/// On a page fault in a file mapping, Linux maps not only the faulting page but every page of the
/// file already in the page cache within a 64 KB window around it ("fault-around"), clipped to the
/// mapping. Starting a program reads its whole executable into the page cache, so the agent's
/// static binary (24 MB, 13 MB of code) and its libraries end up almost wholly resident although a
/// collection round runs a small part of them. `madvise(MADV_RANDOM)` does not stop fault-around,
/// and dropping the pages (`MADV_DONTNEED`, `POSIX_FADV_DONTNEED`, `MADV_PAGEOUT`) lasts only until
/// the code around them runs again: the page cache holds executables in large folios, which stay
/// while any of their pages is mapped.
///
/// What does bound it is the mapping: once, before anything else in `optralis-agent run`, the
/// trimmer drops the resident pages of every read-only private file mapping without a
/// copied-on-write page (code, constants, Swift metadata; never relocated data, anonymous memory
/// or writable mappings, whose content is not the file's), and gives every other page of it a
/// different advice, so the kernel keeps each page in a mapping of its own. A fault then maps one
/// page. The cost, measured in docs/agent.md: a few thousand more mappings (kernel memory, about
/// 200 bytes each) and a minor fault per page the first time it runs. It stops before using half
/// of `vm.max_map_count`, coarsening the split rather than failing.
public enum ResidentMemoryTrimmer {
    /// One mapping of `/proc/self/smaps` with the fields the trimmer decides on.
    struct Mapping: Equatable {
        var start: UInt
        var end: UInt
        var readOnlyPrivate: Bool
        var fileBacked: Bool
        var residentKB = 0
        var anonymousKB = 0

        /// Read-only, private, backed by a file, and without any copied-on-write page.
        var isReleasable: Bool { readOnlyPrivate && fileBacked && anonymousKB == 0 }

        var pages: Int { Int(end - start) / pageSize }
    }

    /// What the trim did, for the agent's start-up log line.
    public struct Outcome: Sendable, Equatable {
        /// Mappings trimmed, and how many they were split into.
        public var releasedMappings: Int
        public var splitInto: Int
        public var residentKBBefore: Int
        public var residentKBAfter: Int
    }

    static let pageSize = 4096
    private static let recorded = Mutex<Outcome?>(nil)

    /// The outcome of the trim this process ran, if it ran one.
    public static var lastOutcome: Outcome? { recorded.withLock { $0 } }

    /// Trims this process's mappings; nil when `/proc/self/smaps` cannot be read. smaps is read
    /// line by line, once, before the split: held whole, or read after the split (thousands of
    /// entries), it would make a peak of its own in the heap.
    @discardableResult
    public static func trim(files: SystemFiles = SystemFiles()) -> Outcome? {
        var parser = SmapsParser()
        guard files.forEachLine("/proc/self/smaps", { parser.consume($0) }) else { return nil }
        let before = parser.mappings
        let releasable = before.filter(\.isReleasable)
        var mapCountLimit = 65_530
        _ = files.forEachLine("/proc/sys/vm/max_map_count") { mapCountLimit = decimal($0) ?? mapCountLimit }
        let stride = pagesPerMapping(releasablePages: releasable.reduce(0) { $0 + $1.pages }, existing: before.count, limit: mapCountLimit)
        let splitInto = releasable.reduce(0) { $0 + release($1, stride: stride) }
        let outcome = Outcome(
            releasedMappings: releasable.count, splitInto: splitInto, residentKBBefore: before.reduce(0) { $0 + $1.residentKB },
            residentKBAfter: (AgentMetrics.residentBytes(files: files) ?? 0) / 1024)
        recorded.withLock { $0 = outcome }
        return outcome
    }

    /// Pages per split mapping: 1, or more when one page each would take the process past half
    /// of the kernel's mapping limit.
    static func pagesPerMapping(releasablePages: Int, existing: Int, limit: Int) -> Int {
        let budget = max(limit / 2 - existing, 1)
        return max(1, (releasablePages + budget - 1) / budget)
    }

    /// Drops the mapping's resident pages and splits it; returns how many mappings it now is.
    private static func release(_ mapping: Mapping, stride: Int) -> Int {
        #if canImport(Glibc)
        guard let start = UnsafeMutableRawPointer(bitPattern: mapping.start) else { return 1 }
        let length = Int(mapping.end - mapping.start)
        guard madvise(start, length, MADV_DONTNEED) == 0 else { return 1 }
        let chunk = stride * pageSize
        var pieces = 1
        var offset = chunk
        while offset < length {
            // ENOMEM: the kernel's mapping limit; what is split so far stays split.
            guard madvise(start + offset, min(chunk, length - offset), MADV_RANDOM) == 0 else { break }
            pieces += offset + chunk < length ? 2 : 1
            offset += 2 * chunk
        }
        return pieces
        #else
        return 1
        #endif
    }

    /// The mappings of an smaps text, with their `Rss` and `Anonymous` sizes.
    static func mappings(_ smaps: String) -> [Mapping] {
        var parser = SmapsParser()
        Array(smaps.utf8).split(separator: UInt8(ascii: "\n")).forEach { parser.consume($0) }
        return parser.mappings
    }

    /// Parses smaps a line at a time, on bytes: the parse runs before the trim, so it touches as
    /// little code as it can (no String, no Unicode).
    struct SmapsParser {
        var mappings: [Mapping] = []

        mutating func consume(_ line: ArraySlice<UInt8>) {
            if let mapping = header(line) {
                mappings.append(mapping)
            } else if !mappings.isEmpty, let (name, kilobytes) = field(line) {
                if name.elementsEqual("Rss".utf8) { mappings[mappings.count - 1].residentKB = kilobytes }
                if name.elementsEqual("Anonymous".utf8) { mappings[mappings.count - 1].anonymousKB = kilobytes }
            }
        }

        /// `7f2c1a000000-7f2c1a022000 r--p 00000000 fd:01 1315    /usr/lib/x86_64-linux-gnu/libc.so.6`
        private func header(_ line: ArraySlice<UInt8>) -> Mapping? {
            let fields = line.split(separator: UInt8(ascii: " "), maxSplits: 5)
            guard fields.count >= 5, fields[1].count == 4, fields[3].contains(UInt8(ascii: ":")) else { return nil }
            let range = fields[0].split(separator: UInt8(ascii: "-"))
            guard range.count == 2, let start = hexadecimal(range[0]), let end = hexadecimal(range[1]), let inode = decimal(fields[4]) else {
                return nil
            }
            let permissions = Array(fields[1])
            let path = fields.count == 6 ? fields[5].drop { $0 == UInt8(ascii: " ") } : []
            return Mapping(
                start: start, end: end,
                readOnlyPrivate: permissions[0] == UInt8(ascii: "r") && permissions[1] == UInt8(ascii: "-") && permissions[3] == UInt8(ascii: "p"),
                fileBacked: inode != 0 && path.first == UInt8(ascii: "/"))
        }

        /// `Rss:                 132 kB`
        private func field(_ line: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, Int)? {
            let parts = line.split(separator: UInt8(ascii: " "))
            guard parts.count == 3, parts[0].last == UInt8(ascii: ":"), parts[2].elementsEqual("kB".utf8), let value = decimal(parts[1]) else {
                return nil
            }
            return (parts[0].dropLast(), value)
        }
    }

    static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit), value < Int.max / 10 else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return digits.isEmpty ? nil : value
    }

    static func hexadecimal(_ digits: ArraySlice<UInt8>) -> UInt? {
        var value: UInt = 0
        for digit in digits {
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            default: return nil
            }
            guard value >> 60 == 0 else { return nil }
            value = value << 4 | UInt(nibble)
        }
        return digits.isEmpty ? nil : value
    }
}
