import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What went wrong talking to privacyIDEA; never the admin password or a seed.
public enum PrivacyIDEAError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The server could not be reached (refused, DNS, TLS), or did not answer in time.
    case unreachable(url: String, detail: String)
    case badCredentials(user: String)
    /// The server answered the request with an error: its HTTP status and message.
    case refused(request: String, status: Int, message: String)
    case malformedResponse(request: String)

    public var description: String {
        switch self {
        case .unreachable(let url, let detail): "privacyIDEA at \(url) cannot be reached: \(detail)"
        case .badCredentials(let user): "privacyIDEA refused the admin \(user): wrong user or password"
        case .refused(let request, let status, let message):
            "privacyIDEA refused \(request) (HTTP \(status)): \(message)"
        case .malformedResponse(let request): "privacyIDEA's answer to \(request) is not what its API returns"
        }
    }
}

/// A token as privacyIDEA lists it.
public struct ServerToken: Equatable, Sendable {
    public let serial: String
    public let username: String
    public let active: Bool
    public let description: String
}

/// What a new token on the server is made of: the seed as hex `otpkey` (never logged).
public struct ServerTokenRequest: Sendable {
    public let serial: String
    public let type: String
    public let otpKeyHex: String
    public let digits: Int
    public let hash: String
    public let period: Int
    public let user: String
    public let realm: String
    public let description: String

    public init(
        serial: String, type: String, otpKeyHex: String, digits: Int, hash: String, period: Int, user: String,
        realm: String, description: String
    ) {
        self.serial = serial
        self.type = type
        self.otpKeyHex = otpKeyHex
        self.digits = digits
        self.hash = hash
        self.period = period
        self.user = user
        self.realm = realm
        self.description = description
    }
}

/// privacyIDEA's REST API, the calls TokenForge needs: log in (`POST /auth`, the JWT then goes in
/// `PI-Authorization`), list a realm's tokens, create, enable, disable and delete a token.
/// Synchronous, each request bounded by `timeout`.
public final class PrivacyIDEAClient {
    public let baseURL: URL
    let session: URLSession
    let timeout: TimeInterval
    private var authorization: String?

    public init(baseURL: URL, timeout: TimeInterval = 30) {
        self.baseURL = baseURL
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
    }

    /// Logs in as the admin `user`.
    public func login(user: String, password: String) throws(PrivacyIDEAError) {
        let value: Any
        do {
            value = try call("POST", "/auth", ["username": user, "password": password], name: "the admin login")
        } catch .refused(_, let status, _) where status == 401 || status == 403 {
            throw .badCredentials(user: user)
        }
        guard let token = (value as? [String: Any])?["token"] as? String else {
            throw .malformedResponse(request: "the admin login")
        }
        authorization = token
    }

    /// Every token in `realm`, page by page.
    public func tokens(realm: String) throws(PrivacyIDEAError) -> [ServerToken] {
        var tokens: [ServerToken] = []
        var page = 1
        while true {
            let value = try call(
                "GET", "/token/", ["realm": realm, "page": String(page), "pagesize": "100"], name: "the token list")
            guard let object = value as? [String: Any], let list = object["tokens"] as? [[String: Any]] else {
                throw .malformedResponse(request: "the token list")
            }
            for entry in list {
                guard let serial = entry["serial"] as? String else { throw .malformedResponse(request: "the token list") }
                tokens.append(
                    ServerToken(
                        serial: serial, username: entry["username"] as? String ?? "",
                        active: entry["active"] as? Bool ?? false, description: entry["description"] as? String ?? ""))
            }
            guard let next = object["next"] as? Int, next > page else { return tokens }
            page = next
        }
    }

    /// Creates a token holding the given seed, assigned to the user.
    public func create(_ token: ServerTokenRequest) throws(PrivacyIDEAError) {
        _ = try call(
            "POST", "/token/init",
            [
                "type": token.type, "serial": token.serial, "otpkey": token.otpKeyHex, "genkey": "0",
                "otplen": String(token.digits), "hashlib": token.hash, "timeStep": String(token.period),
                "user": token.user, "realm": token.realm, "description": token.description,
            ], name: "creating token \(token.serial) for \(token.user)")
    }

    public func enable(_ serial: String) throws(PrivacyIDEAError) {
        _ = try call("POST", "/token/enable", ["serial": serial], name: "enabling token \(serial)")
    }

    public func disable(_ serial: String) throws(PrivacyIDEAError) {
        _ = try call("POST", "/token/disable", ["serial": serial], name: "disabling token \(serial)")
    }

    public func delete(_ serial: String) throws(PrivacyIDEAError) {
        _ = try call("DELETE", "/token/\(Self.pathComponent(serial))", [:], name: "deleting token \(serial)")
    }

    static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }

    static func formEncoded(_ parameters: [String: String]) -> String {
        parameters.sorted { $0.key < $1.key }.map { "\(pathComponent($0.key))=\(pathComponent($0.value))" }
            .joined(separator: "&")
    }

    /// One request; the `result.value` of privacyIDEA's JSON answer, or its error as `refused`.
    private func call(
        _ method: String, _ path: String, _ parameters: [String: String], name: String
    ) throws(PrivacyIDEAError) -> Any {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)
        if method == "GET" || method == "DELETE", !parameters.isEmpty {
            components?.percentEncodedQuery = Self.formEncoded(parameters)
        }
        guard let url = components?.url else { throw .unreachable(url: baseURL.absoluteString, detail: "bad URL") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "PI-Authorization") }
        if method == "POST" {
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(Self.formEncoded(parameters).utf8)
        }
        let (data, response) = try send(request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        let result = object?["result"] as? [String: Any]
        guard response.statusCode == 200, result?["status"] as? Bool == true else {
            let error = result?["error"] as? [String: Any]
            throw .refused(
                request: name, status: response.statusCode,
                message: error?["message"] as? String ?? HTTPURLResponse.localizedString(forStatusCode: response.statusCode))
        }
        guard let value = result?["value"] else { throw .malformedResponse(request: name) }
        return value
    }

    private func send(_ request: URLRequest) throws(PrivacyIDEAError) -> (Data, HTTPURLResponse) {
        final class Outcome: @unchecked Sendable {
            var data: Data?
            var response: URLResponse?
            var error: (any Error)?
        }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: request) { data, response, error in
            outcome.data = data
            outcome.response = response
            outcome.error = error
            done.signal()
        }.resume()
        if done.wait(timeout: .now() + timeout + 5) == .timedOut {
            throw .unreachable(url: baseURL.absoluteString, detail: "no answer within \(Int(timeout)) s")
        }
        if let error = outcome.error {
            throw .unreachable(url: baseURL.absoluteString, detail: error.localizedDescription)
        }
        guard let response = outcome.response as? HTTPURLResponse else {
            throw .unreachable(url: baseURL.absoluteString, detail: "no HTTP answer")
        }
        return (outcome.data ?? Data(), response)
    }
}
