internal import CCurl
import Foundation

/// An HTTP answer: its status and body.
struct HTTPResponse {
    let status: Int
    let body: Data
}

/// Why an HTTP exchange did not get an answer, as libcurl tells it.
enum HTTPFailure: Error, Equatable {
    /// Refused, not resolved, timed out, or broken off before an answer.
    case unreachable(detail: String)
    /// The server's certificate does not chain to a trusted CA or does not name the host.
    case certificateNotVerified(detail: String)
    /// The CA file given cannot be read as PEM certificates.
    case unusableCAFile(detail: String)
    /// The answer is larger than any the API sends.
    case answerTooLarge
}

/// One libcurl easy handle, which keeps its connections from request to request. TLS peer and
/// host name verification are always on; a CA file, when given, holds the only CAs the server's
/// certificate may chain to (the system's are not consulted then). Each request is bounded by `timeout` seconds, connecting included.
final class CurlSession {
    /// The largest answer read; privacyIDEA's token lists come a page of 100 at a time.
    static let answerLimit = 16 << 20

    private static let global: Bool = tokenforge_curl_global_init() == CURLE_OK

    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let timeout: Int
    private let caFile: String?

    init(timeout: Int, caFile: String?) throws(HTTPFailure) {
        guard Self.global, let handle = curl_easy_init() else {
            throw .unreachable(detail: "libcurl cannot be initialised")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        self.timeout = timeout
        self.caFile = caFile
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Sends one request; a POST sends `body` as its content.
    func perform(method: String, url: String, headers: [String], body: Data = Data()) throws(HTTPFailure)
        -> HTTPResponse
    {
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        for header in headers + ["Expect:"] {
            guard let longer = curl_slist_append(list, header) else { throw .unreachable(detail: "out of memory") }
            list = longer
        }
        let answer = Answer()
        var codes = [
            tokenforge_curl_set_string(handle, CURLOPT_URL, url),
            tokenforge_curl_set_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
            tokenforge_curl_set_long(handle, CURLOPT_NOSIGNAL, 1),
            tokenforge_curl_set_long(handle, CURLOPT_TIMEOUT_MS, timeout * 1000),
            tokenforge_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, timeout * 1000),
            tokenforge_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, 1),
            tokenforge_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, 2),
            tokenforge_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer),
            tokenforge_curl_set_headers(handle, list),
            tokenforge_curl_set_write_function(handle, collect),
            tokenforge_curl_set_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(answer).toOpaque()),
        ]
        if let caFile {
            codes.append(tokenforge_curl_set_string(handle, CURLOPT_CAINFO, caFile))
            codes.append(tokenforge_curl_set_string(handle, CURLOPT_CAPATH, nil))
        }
        switch method {
        case "GET": codes.append(tokenforge_curl_set_long(handle, CURLOPT_HTTPGET, 1))
        case "POST" where body.isEmpty: codes.append(tokenforge_curl_set_string(handle, CURLOPT_COPYPOSTFIELDS, ""))
        case "POST":
            codes.append(tokenforge_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, body.count))
            codes.append(
                body.withUnsafeBytes {
                    tokenforge_curl_set_pointer(
                        handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress))
                })
        default: codes.append(tokenforge_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, method))
        }
        if let refused = codes.first(where: { $0 != CURLE_OK }) { throw failure(refused, answer: answer) }
        let code = withExtendedLifetime(answer) { curl_easy_perform(handle) }
        guard code == CURLE_OK else { throw failure(code, answer: answer) }
        var status = 0
        guard tokenforge_curl_response_code(handle, &status) == CURLE_OK else {
            throw .unreachable(detail: "no HTTP status")
        }
        return HTTPResponse(status: status, body: answer.data)
    }

    private func failure(_ code: CURLcode, answer: Answer) -> HTTPFailure {
        if code == CURLE_WRITE_ERROR, answer.overflowed { return .answerTooLarge }
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_INVALIDCERTSTATUS:
            return .certificateNotVerified(detail: detail)
        case CURLE_SSL_CACERT_BADFILE: return .unusableCAFile(detail: detail)
        default: return .unreachable(detail: detail)
        }
    }
}

/// The body of an answer as libcurl hands it over, up to `CurlSession.answerLimit`.
private final class Answer {
    var data = Data()
    var overflowed = false
}

/// libcurl's write callback: appends to the `Answer` passed as its context; a short count stops the transfer.
private func collect(
    _ bytes: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let bytes, let context else { return 0 }
    let answer = Unmanaged<Answer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard answer.data.count + length <= CurlSession.answerLimit else {
        answer.overflowed = true
        return 0
    }
    answer.data.append(UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self), count: length)
    return length
}
