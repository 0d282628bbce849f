import CCurl
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore
import Synchronization

/// One `CURL*` easy handle, one transfer at a time: the only type that touches libcurl pointers.
/// Created, used and freed on a single worker thread, so it never crosses threads (HTTP keeps
/// one per thread, see ``CurlWorker``; SMTP makes one per message).
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer // `CURL *` is `void *` in C
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    /// Response bytes and headers land here through the C callbacks (passed as `userdata`).
    let sink = CurlSink()
    /// Bytes to upload (SMTP message), read through the C read callback.
    var upload: CurlUpload?
    /// Checked by the progress callback; kept here so it outlives the transfer that reads it.
    private var abort: CurlAbort?

    init() throws(CurlError) {
        CurlGlobal.initialise()
        guard let handle = curl_easy_init() else { throw CurlError(code: -1, message: "curl_easy_init failed") }
        self.handle = handle
        errorBuffer.initialize(to: 0)
        try configureDefaults()
    }

    /// Clears the previous transfer's options and results, keeping the connection cache.
    func resetForReuse() throws(CurlError) {
        reset()
        try configureDefaults()
    }

    private func reset() {
        curl_easy_reset(handle)
        lists.forEach { curl_slist_free_all($0) }
        lists = []
        upload = nil
        abort = nil
        sink.body = []
        sink.headerLines = []
        sink.maximumBodyBytes = .max
        sink.truncated = false
        errorBuffer[0] = 0
    }

    private func configureDefaults() throws(CurlError) {
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        // Signals are unsafe with threads; timeouts then rely on the threaded resolver.
        try set(CURLOPT_NOSIGNAL, 1)
        let userdata = Unmanaged.passUnretained(sink).toOpaque()
        try check(optralis_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteBody), CURLOPT_WRITEFUNCTION)
        try set(CURLOPT_WRITEDATA, pointer: userdata)
        try check(optralis_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader), CURLOPT_HEADERFUNCTION)
        try set(CURLOPT_HEADERDATA, pointer: userdata)
    }

    deinit {
        curl_easy_cleanup(handle)
        lists.forEach { curl_slist_free_all($0) }
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(optralis_curl_setopt_long(handle, option, value), option)
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        // libcurl copies string options (since 7.17), so the temporary C string may go.
        try check(value.withCString { optralis_curl_setopt_string(handle, option, $0) }, option)
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(optralis_curl_setopt_pointer(handle, option, pointer), option)
    }

    func set(_ option: CURLoption, offset: Int64) throws(CurlError) {
        try check(optralis_curl_setopt_offset(handle, option, curl_off_t(offset)), option)
    }

    /// A string-list option (headers, SMTP recipients); the list lives as long as the handle.
    func set(_ option: CURLoption, list values: [String]) throws(CurlError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for value in values {
            guard let appended = curl_slist_append(list, value) else {
                throw CurlError(code: -1, message: "curl_slist_append failed")
            }
            list = appended
        }
        if let list { lists.append(list) }
        try check(optralis_curl_setopt_slist(handle, option, list), option)
    }

    /// Installs the read callback over `bytes` for an upload (SMTP).
    func setUpload(_ bytes: [UInt8]) throws(CurlError) {
        let upload = CurlUpload(bytes: bytes)
        self.upload = upload
        try check(optralis_curl_setopt_callback(handle, CURLOPT_READFUNCTION, curlReadUpload), CURLOPT_READFUNCTION)
        try set(CURLOPT_READDATA, pointer: Unmanaged.passUnretained(upload).toOpaque())
        try set(CURLOPT_UPLOAD, 1)
        try set(CURLOPT_INFILESIZE_LARGE, offset: Int64(bytes.count))
    }

    /// Lets `flag` stop the transfer: libcurl calls the progress callback at least once a second,
    /// even while it waits to connect or for an answer, and a raised flag ends the transfer there
    /// with `CURLE_ABORTED_BY_CALLBACK`.
    func setAbort(_ flag: CurlAbort) throws(CurlError) {
        abort = flag
        try set(CURLOPT_NOPROGRESS, 0)
        try check(optralis_curl_setopt_progress(handle, curlProgress), CURLOPT_XFERINFOFUNCTION)
        try set(CURLOPT_XFERINFODATA, pointer: Unmanaged.passUnretained(flag).toOpaque())
    }

    /// Runs the transfer on the calling thread (blocking).
    func perform() throws(CurlError) {
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let text = String(cString: curl_easy_strerror(code))
            throw CurlError(code: Int(code.rawValue), message: detail.isEmpty ? text : "\(text): \(detail)")
        }
    }

    func responseCode() -> Int {
        var code = 0
        _ = optralis_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// The last transfer's total time (`CURLINFO_TOTAL_TIME_T`, microseconds).
    func totalTime() -> Duration? {
        var microseconds: curl_off_t = 0
        guard optralis_curl_getinfo_offset(handle, CURLINFO_TOTAL_TIME_T, &microseconds) == CURLE_OK, microseconds >= 0 else { return nil }
        return .microseconds(Int64(microseconds))
    }

    /// The `Expire date` of the peer's certificate (the first of the chain) from
    /// `CURLINFO_CERTINFO` (needs `CURLOPT_CERTINFO` and a handshake on this transfer).
    func peerCertificateExpiry() -> Date? {
        var info: UnsafeMutablePointer<curl_certinfo>?
        guard optralis_curl_getinfo_certinfo(handle, &info) == CURLE_OK, let info, info.pointee.num_of_certs > 0,
            let chain = info.pointee.certinfo, var node = chain[0]
        else { return nil }
        while true {
            if let data = node.pointee.data {
                let line = String(cString: data)
                if line.hasPrefix("Expire date:") { return CertificateDate.parse(String(line.dropFirst("Expire date:".count))) }
            }
            guard let next = node.pointee.next else { return nil }
            node = next
        }
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(CurlError) {
        guard code == CURLE_OK else {
            throw CurlError(code: Int(code.rawValue), message: "setting option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))")
        }
    }
}

/// Receives the body and header lines of a response.
final class CurlSink {
    var body: [UInt8] = []
    var headerLines: [String] = []
    var maximumBodyBytes = Int.max
    var truncated = false
}

final class CurlUpload {
    let bytes: [UInt8]
    var offset = 0
    init(bytes: [UInt8]) { self.bytes = bytes }
}

private func curlWriteBody(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let userdata else { return 0 }
    let sink = Unmanaged<CurlSink>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard sink.body.count + length <= sink.maximumBodyBytes else {
        sink.truncated = true
        return 0 // makes curl stop with CURLE_WRITE_ERROR
    }
    sink.body.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: length))
    return length
}

private func curlWriteHeader(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let userdata else { return 0 }
    let sink = Unmanaged<CurlSink>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
    sink.headerLines.append(line.trimmed())
    return length
}

private func curlReadUpload(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let userdata else { return 0 }
    let upload = Unmanaged<CurlUpload>.fromOpaque(userdata).takeUnretainedValue()
    let length = min(size * count, upload.bytes.count - upload.offset)
    guard length > 0 else { return 0 }
    upload.bytes.withUnsafeBytes { source in
        UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + upload.offset, byteCount: length)
    }
    upload.offset += length
    return length
}

private func curlProgress(_ clientp: UnsafeMutableRawPointer?, _: curl_off_t, _: curl_off_t, _: curl_off_t, _: curl_off_t) -> Int32 {
    guard let clientp else { return 0 }
    return Unmanaged<CurlAbort>.fromOpaque(clientp).takeUnretainedValue().isRaised ? 1 : 0
}

/// Raised from any thread (the cancelled task's) to stop a transfer running on a worker thread.
final class CurlAbort: Sendable {
    private let raised = Atomic<Bool>(false)

    var isRaised: Bool { raised.load(ordering: .acquiring) }

    func raise() { raised.store(true, ordering: .releasing) }
}

/// `curl_global_init` must run once, before any other thread uses libcurl.
enum CurlGlobal {
    private static let initialised: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
    }()

    static func initialise() {
        _ = initialised
    }
}

/// A libcurl failure: its `CURLcode` and message (resolution, connection, TLS, timeout…).
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    public let message: String

    public var description: String { "curl error \(code): \(message)" }

    /// CURLE_OPERATION_TIMEDOUT.
    public var isTimeout: Bool { code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }
}
