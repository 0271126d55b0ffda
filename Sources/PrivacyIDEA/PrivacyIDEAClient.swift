import Foundation

/// What went wrong talking to privacyIDEA; never the admin password or a seed.
public enum PrivacyIDEAError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The server could not be reached (refused, not resolved, TLS handshake), or did not answer in time.
    case unreachable(url: String, detail: String)
    /// The server's TLS certificate does not chain to a trusted CA, or does not name `host`.
    case tls(host: String, detail: String)
    /// The CA file given to verify the server with cannot be read as PEM certificates.
    case unusableCAFile(path: String, detail: String)
    case badCredentials(user: String)
    /// The realm (or the resolver given) holds no such user, so no token was created for them.
    case unknownUser(user: String, realm: String)
    /// The server answered the request with an error: its HTTP status and message.
    case refused(request: String, status: Int, message: String)
    case malformedResponse(request: String)

    public var description: String {
        switch self {
        case .unreachable(let url, let detail): "privacyIDEA at \(url) cannot be reached: \(detail)"
        case .tls(let host, let detail): "the TLS certificate of privacyIDEA at \(host) cannot be verified: \(detail)"
        case .unusableCAFile(let path, let detail): "the CA file \(path) cannot be used: \(detail)"
        case .badCredentials(let user): "privacyIDEA refused the admin \(user): wrong user or password"
        case .unknownUser(let user, let realm):
            "privacyIDEA has no user \(user) in the realm \(realm): no token was created for them"
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
/// Synchronous, over libcurl: each request bounded by `timeout`, TLS always verified, against the
/// CAs in `caFile` when given.
public final class PrivacyIDEAClient {
    public let baseURL: URL
    let timeout: TimeInterval
    /// The PEM file of the CAs the server's certificate must chain to; nil: the system's.
    public let caFile: String?
    /// The user resolver the staff are in, sent with each token created; nil: the realm's.
    public let resolver: String?
    private var session: CurlSession?
    private var authorization: String?

    public init(baseURL: URL, timeout: TimeInterval = 30, caFile: String? = nil, resolver: String? = nil) {
        self.baseURL = baseURL
        self.timeout = timeout
        self.caFile = caFile
        self.resolver = resolver
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
                guard let serial = entry["serial"] as? String else {
                    throw .malformedResponse(request: "the token list")
                }
                tokens.append(
                    ServerToken(
                        serial: serial, username: entry["username"] as? String ?? "",
                        active: entry["active"] as? Bool ?? false, description: entry["description"] as? String ?? ""))
            }
            guard let next = object["next"] as? Int, next > page else { return tokens }
            page = next
        }
    }

    /// Creates a token holding the given seed, assigned to the user; `unknownUser` when the realm
    /// (and the resolver, when given) holds no such user, for privacyIDEA would create the token
    /// with no owner.
    public func create(_ token: ServerTokenRequest) throws(PrivacyIDEAError) {
        guard try userExists(token.user, realm: token.realm) else {
            throw .unknownUser(user: token.user, realm: token.realm + (resolver.map { " (resolver \($0))" } ?? ""))
        }
        var parameters = [
            "type": token.type, "serial": token.serial, "otpkey": token.otpKeyHex, "genkey": "0",
            "otplen": String(token.digits), "hashlib": token.hash, "timeStep": String(token.period),
            "user": token.user, "realm": token.realm, "description": token.description,
        ]
        if let resolver { parameters["resolver"] = resolver }
        _ = try call("POST", "/token/init", parameters, name: "creating token \(token.serial) for \(token.user)")
    }

    /// Whether the realm (and the resolver, when given) holds the user `login`, as `GET /user/` finds them.
    func userExists(_ login: String, realm: String) throws(PrivacyIDEAError) -> Bool {
        var parameters = ["username": login, "realm": realm]
        if let resolver { parameters["resolver"] = resolver }
        let value = try call("GET", "/user/", parameters, name: "looking up the user \(login)")
        guard let users = value as? [[String: Any]] else {
            throw .malformedResponse(request: "looking up the user \(login)")
        }
        return users.contains { $0["username"] as? String == login }
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
        var headers = ["Accept: application/json"]
        if let authorization { headers.append("PI-Authorization: \(authorization)") }
        var body = Data()
        if method == "POST" {
            headers.append("Content-Type: application/x-www-form-urlencoded")
            body = Data(Self.formEncoded(parameters).utf8)
        }
        let response: HTTPResponse
        do throws(HTTPFailure) {
            let session: CurlSession
            if let open = self.session {
                session = open
            } else {
                session = try CurlSession(timeout: max(1, Int(timeout.rounded(.up))), caFile: caFile)
                self.session = session
            }
            response = try session.perform(method: method, url: url.absoluteString, headers: headers, body: body)
        } catch {
            switch error {
            case .unreachable(let detail): throw .unreachable(url: baseURL.absoluteString, detail: detail)
            case .certificateNotVerified(let detail):
                throw .tls(host: baseURL.host ?? baseURL.absoluteString, detail: detail)
            case .unusableCAFile(let detail): throw .unusableCAFile(path: caFile ?? "", detail: detail)
            case .answerTooLarge: throw .malformedResponse(request: name)
            }
        }
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        let result = object?["result"] as? [String: Any]
        guard response.status == 200, result?["status"] as? Bool == true else {
            let error = result?["error"] as? [String: Any]
            throw .refused(
                request: name, status: response.status,
                message: error?["message"] as? String ?? "no privacyIDEA error in the answer")
        }
        guard let value = result?["value"] else { throw .malformedResponse(request: name) }
        return value
    }
}
