public import AsyncHTTPClient
public import Core
import Crypto
import NIOCore
import NIOPosix
import NIOHTTP1
import Synchronization

/// Credentials for a registry (`--user name:password`).
public struct RegistryCredentials: Sendable {
    public var username: String
    public var password: String
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

/// An OCI distribution client: manifests and blobs over HTTP(S), anonymous bearer tokens or
/// basic auth, plain HTTP for loopback registries or when asked.
public final class RegistryClient: RemoteRegistry, Sendable {
    let http: HTTPClient
    let plainHTTP: Bool
    let credentials: RegistryCredentials?
    public let hosts: RegistryHosts?
    private let tokens = Mutex<[String: String]>([:])
    /// HTTP clients with an endpoint's own TLS settings, by endpoint base URL.
    private let clients = Mutex<[String: HTTPClient]>([:])

    public init(http: HTTPClient = RegistryHosts.defaultClient, plainHTTP: Bool = false, credentials: RegistryCredentials? = nil,
                hosts: RegistryHosts? = nil) {
        self.http = http
        self.plainHTTP = plainHTTP
        self.credentials = credentials
        self.hosts = hosts
    }

    /// Shuts down the HTTP clients made for hosts with their own TLS settings.
    public func close() async {
        let made = clients.withLock { table in
            defer { table.removeAll() }
            return Array(table.values)
        }
        for client in made { try? await client.shutdown() }
    }

    /// Where to send requests needing `capability` ("pull", "resolve", "push"): the hosts
    /// directory's mirrors and server for the domain, or the registry itself.
    func endpoints(_ reference: Reference, _ capability: String) throws(CtrError) -> [RegistryEndpoint] {
        if let hosts, let configured = try hosts.endpoints(for: reference.domain) {
            let usable = configured.filter { $0.capabilities.contains(capability) }
            for endpoint in usable where clients.withLock({ $0[endpoint.base] }) == nil {
                if let client = try RegistryHosts.client(for: endpoint) {
                    clients.withLock { $0[endpoint.base] = client }
                }
            }
            if !usable.isEmpty { return usable }
        }
        let host = Self.apiHost(reference.domain)
        let name = host.split(separator: ":").first.map(String.init) ?? host
        let loopback = name == "localhost" || name == "127.0.0.1" || name == "[::1]"
        let base = (plainHTTP || loopback ? "http://" : "https://") + host
        return [RegistryEndpoint(base: base, capabilities: ["pull", "resolve", "push"], skipVerify: false, ca: [])]
    }

    func httpClient(for url: String) -> HTTPClient {
        clients.withLock { table in table.first { url.hasPrefix($0.key) }?.value } ?? http
    }

    /// The API host of a reference's domain (`docker.io` → `registry-1.docker.io`).
    static func apiHost(_ domain: String) -> String { domain == "docker.io" ? "registry-1.docker.io" : domain }

    /// The API base for pushes: the first endpoint that may push.
    func baseURL(_ reference: Reference) throws(CtrError) -> String {
        guard let endpoint = try endpoints(reference, "push").first else {
            throw .failedPrecondition("push \(reference): no registry host allows pushes")
        }
        return endpoint.base + "/v2/" + reference.path
    }

    public func resolve(_ reference: Reference) async throws -> (Descriptor, [UInt8]) {
        if try hosts?.endpoints(for: reference.domain) == nil { try await probe(reference) }
        let response = try await get(reference, "manifests/" + reference.object, accept: MediaType.manifests,
                                     capability: reference.digest == nil ? "resolve" : "pull")
        let body = try await collect(response, reference: reference, limit: 4 << 20)
        let digest = Core.Digest(sha256Hex: hexDigest(body))
        if let wanted = reference.digest, wanted != digest {
            throw CtrError.failedPrecondition("pull \(reference): registry sent a manifest with digest \(digest)")
        }
        var mediaType = response.headers.first(name: "Content-Type") ?? ""
        if let semicolon = mediaType.firstIndex(of: ";") { mediaType = String(mediaType[..<semicolon]) }
        if !MediaType.manifests.contains(mediaType),
           case .string(let declared)? = try? JSONValue.parse(String(decoding: body, as: UTF8.self))["mediaType"] {
            mediaType = declared
        }
        return (Descriptor(mediaType: mediaType, digest: digest, size: Int64(body.count)), body)
    }

    public func manifest(_ reference: Reference, _ descriptor: Descriptor) async throws -> [UInt8] {
        let response = try await get(reference, "manifests/" + descriptor.digest.description, accept: [descriptor.mediaType])
        let body = try await collect(response, reference: reference, limit: 4 << 20)
        if Core.Digest(sha256Hex: hexDigest(body)) != descriptor.digest {
            throw CtrError.failedPrecondition("pull \(reference): manifest \(descriptor.digest) does not match its digest")
        }
        return body
    }

    public func blob(_ reference: Reference, _ descriptor: Descriptor, _ body: ([UInt8]) async throws -> Void) async throws {
        let response = try await get(reference, "blobs/" + descriptor.digest.description, accept: ["*/*"])
        for try await buffer in response.body {
            try await body(Array(buffer.readableBytesView))
        }
    }

    private func collect(_ response: HTTPClientResponse, reference: Reference, limit: Int) async throws -> [UInt8] {
        var buffer = try await response.body.collect(upTo: limit)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// GET from each endpoint in turn until one answers: the auth dance happens per request.
    private func get(_ reference: Reference, _ path: String, accept: [String], capability: String = "pull")
        async throws -> HTTPClientResponse
    {
        let candidates = try endpoints(reference, capability)
        for (index, endpoint) in candidates.enumerated() {
            do {
                let url = endpoint.base + "/v2/" + reference.path + "/" + path
                let response = try await request(reference, url: url, accept: accept, push: false) { HTTPClientRequest(url: $0) }
                return try check(response, reference: reference, path: path)
            } catch let error as CtrError where index < candidates.count - 1
                && (error.code == .unavailable || error.code == .notFound) {
                continue
            }
        }
        throw CtrError.failedPrecondition("pull \(reference): no registry host to pull from")
    }

    /// Sends a request built by `make` (called again for the retry after authorizing).
    func request(_ reference: Reference, url: String, accept: [String], push: Bool,
                 _ make: (String) -> HTTPClientRequest) async throws -> HTTPClientResponse {
        let scope = "repository:\(reference.path):" + (push ? "pull,push" : "pull")
        let key = reference.domain + "|" + scope
        var response = try await send(make(url), accept: accept, authorization: tokens.withLock { $0[key] }, reference: reference)
        if response.status == .unauthorized {
            let challenge = response.headers.first(name: "WWW-Authenticate") ?? ""
            let authorization = try await authorize(challenge, scope: scope, reference: reference, verb: push ? "push" : "pull")
            tokens.withLock { $0[key] = authorization }
            response = try await send(make(url), accept: accept, authorization: authorization, reference: reference)
        }
        return response
    }

    func check(_ response: HTTPClientResponse, reference: Reference, path: String, verb: String = "pull") throws
        -> HTTPClientResponse
    {
        switch response.status.code {
        case 200..<300:
            return response
        case 401, 403:
            throw CtrError(.permissionDenied, "\(verb) \(reference): registry \(reference.domain) denied access (\(response.status.code))")
        case 404:
            throw CtrError.notFound("\(verb) \(reference): not found in registry")
        default:
            throw CtrError.unavailable("\(verb) \(reference): registry \(reference.domain) answered \(response.status.code) for \(path)")
        }
    }

    private func send(_ request: HTTPClientRequest, accept: [String], authorization: String?, reference: Reference)
        async throws -> HTTPClientResponse
    {
        var request = request
        request.headers.add(name: "Accept", value: accept.joined(separator: ", "))
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        do {
            return try await httpClient(for: request.url).execute(request, timeout: .seconds(60))
        } catch {
            throw CtrError.unavailable(Self.failure("registry \(reference.domain)", error))
        }
    }

    private func authorize(_ challenge: String, scope: String, reference: Reference, verb: String) async throws -> String {
        let lower = challenge.lowercased()
        if lower.hasPrefix("basic") {
            guard let credentials else {
                throw CtrError(.permissionDenied, "\(verb) \(reference): registry \(reference.domain) needs credentials (--user)")
            }
            return "Basic " + base64(Array("\(credentials.username):\(credentials.password)".utf8))
        }
        guard lower.hasPrefix("bearer") else {
            throw CtrError(.permissionDenied, "\(verb) \(reference): unsupported authentication challenge \"\(challenge)\"")
        }
        let parameters = Self.challengeParameters(String(challenge.dropFirst("bearer".count)))
        guard let realm = parameters["realm"] else {
            throw CtrError(.permissionDenied, "\(verb) \(reference): bearer challenge without a realm")
        }
        var url = realm + (realm.contains("?") ? "&" : "?") + "scope=" + percentEncode(parameters["scope"] ?? scope)
        if let service = parameters["service"] { url += "&service=" + percentEncode(service) }
        var request = HTTPClientRequest(url: url)
        if let credentials {
            request.headers.add(name: "Authorization",
                                value: "Basic " + base64(Array("\(credentials.username):\(credentials.password)".utf8)))
        }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(30))
        } catch {
            throw CtrError.unavailable(Self.failure("token service \(realm)", error))
        }
        switch response.status.code {
        case 200:
            break
        case 401 where credentials == nil, 403 where credentials == nil:
            throw CtrError(.permissionDenied, "\(verb) \(reference): registry \(reference.domain) needs credentials (--user)")
        case 401, 403:
            throw CtrError(.permissionDenied,
                           "\(verb) \(reference): token service \(realm) rejected the credentials (\(response.status.code))")
        default:
            throw CtrError(.permissionDenied, "\(verb) \(reference): token service \(realm) answered \(response.status.code)")
        }
        let body = try await collect(response, reference: reference, limit: 1 << 20)
        let document = try JSONValue.parse(String(decoding: body, as: UTF8.self))
        if case .string(let token)? = document["token"] ?? document["access_token"] { return "Bearer " + token }
        throw CtrError(.permissionDenied, "\(verb) \(reference): token service \(realm) sent no token")
    }

    /// `realm="https://auth",service="registry",scope="…"` → a dictionary.
    static func challengeParameters(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(text)
        while let equals = rest.firstIndex(of: "=") {
            let key = rest[..<equals].trimmingSpacesAndCommas()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                let end = rest.firstIndex(of: "\"") ?? rest.endIndex
                value = String(rest[..<end])
                rest = end < rest.endIndex ? rest[rest.index(after: end)...] : ""
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            result[key.lowercased()] = value
        }
        return result
    }

    /// Connects once to the registry's host and port so that an unreachable registry fails at once
    /// with the cause, instead of after the HTTP client's retries.
    public func probe(_ reference: Reference) async throws {
        let host = Self.apiHost(reference.domain)
        var name = host
        var port = (try endpoints(reference, "resolve").first?.base.hasPrefix("https") ?? true) ? 443 : 80
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]"), let parsed = Int(host[host.index(after: colon)...]) {
            name = String(host[..<colon])
            port = parsed
        }
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: name.filter { $0 != "[" && $0 != "]" }, port: port).get()
            try await channel.close()
        } catch {
            throw CtrError.unavailable(Self.failure("registry \(reference.domain)", error))
        }
    }

    /// What went wrong reaching `server` (`registry HOST`, `token service URL`), in words: an
    /// untrusted or mismatched certificate is not an unreachable host.
    static func failure(_ server: String, _ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "\(server): TLS certificate not trusted (CERTIFICATE_VERIFY_FAILED); "
                + "give its CA with `ca`, or `skip_verify = true`, in the registry's hosts.toml"
        }
        if text.contains("failedToValidateHostname") {
            return "\(server): TLS certificate is not valid for this host name"
        }
        if text.contains("handshakeFailed") { return "\(server): TLS handshake failed: \(text)" }
        if text.contains("connectionRefused") || text.contains("Connection refused") {
            return "\(server) unreachable: connection refused"
        }
        if text.contains("connectTimeout") { return "\(server) unreachable: connection timed out" }
        return "\(server) unreachable: \(text)"
    }
}

extension Substring {
    fileprivate func trimmingSpacesAndCommas() -> String {
        String(drop { $0 == " " || $0 == "," }.reversed().drop { $0 == " " }.reversed())
    }
}

func hexDigest(_ bytes: [UInt8]) -> String {
    hexEncoded(SHA256.hash(data: bytes))
}

func base64(_ bytes: [UInt8]) -> String {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    var index = 0
    while index < bytes.count {
        let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
        let value = (UInt32(chunk[0]) << 16) | (chunk.count > 1 ? UInt32(chunk[1]) << 8 : 0) | (chunk.count > 2 ? UInt32(chunk[2]) : 0)
        out.append(table[Int((value >> 18) & 63)])
        out.append(table[Int((value >> 12) & 63)])
        out.append(chunk.count > 1 ? table[Int((value >> 6) & 63)] : UInt8(ascii: "="))
        out.append(chunk.count > 2 ? table[Int(value & 63)] : UInt8(ascii: "="))
        index += 3
    }
    return String(decoding: out, as: UTF8.self)
}

func percentEncode(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
        let safe = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~")
        if safe {
            out.unicodeScalars.append(Unicode.Scalar(byte))
        } else {
            let hex = String(byte, radix: 16, uppercase: true)
            out += "%" + (hex.count == 1 ? "0" + hex : hex)
        }
    }
    return out
}
