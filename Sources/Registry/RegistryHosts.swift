public import AsyncHTTPClient
public import Core
import NIOSSL
import TOML
import Glibc

/// One place to reach a registry: a mirror or the server itself.
public struct RegistryEndpoint: Sendable {
    /// `scheme://host[:port][/path]`, without the `/v2` suffix.
    public var base: String
    public var capabilities: Set<String>
    public var skipVerify: Bool
    public var ca: [String]
}

/// containerd's registry hosts directory: `<dir>/<registry host>/hosts.toml` (or `_default`), with
/// `server = "…"` and `[host."https://mirror"]` tables (`capabilities`, `skip_verify`, `ca`).
/// Mirrors are tried in file order, then the server.
public struct RegistryHosts: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The endpoints for a registry domain; nil when the directory has no file for it.
    public func endpoints(for domain: String) throws(CtrError) -> [RegistryEndpoint]? {
        var file = directory + "/" + domain + "/hosts.toml"
        var text = readTextFile(file)
        if text == nil {
            file = directory + "/_default/hosts.toml"
            text = readTextFile(file)
        }
        guard let text else { return nil }
        let table: TOMLTable
        do {
            table = try TOML.parse(text)
        } catch {
            throw .invalidArgument("registry hosts \(file): \(error)")
        }
        var endpoints: [RegistryEndpoint] = []
        switch table["host"] {
        case nil:
            break
        case .table(let hosts)?:
            for key in hosts.keys {
                guard case .table(let host)? = hosts[key] else {
                    throw .invalidArgument("registry hosts \(file): host \"\(key)\" must be a table")
                }
                endpoints.append(try Self.endpoint(key, host, file: file))
            }
        default:
            throw .invalidArgument("registry hosts \(file): \"host\" must be a table of hosts")
        }
        if case .string(let server)? = table["server"] {
            endpoints.append(try Self.endpoint(server, table, file: file, defaultCapabilities: ["pull", "resolve", "push"]))
        }
        return endpoints
    }

    static func endpoint(_ url: String, _ table: TOMLTable, file: String,
                         defaultCapabilities: Set<String> = ["pull", "resolve"]) throws(CtrError) -> RegistryEndpoint {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw .invalidArgument("registry hosts \(file): \"\(url)\" must start with http:// or https://")
        }
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/v2") { base.removeLast(3) }
        var capabilities = defaultCapabilities
        if case .array(let values)? = table["capabilities"] {
            capabilities = Set(values.compactMap { if case .string(let text) = $0 { text } else { nil } })
        }
        var skipVerify = false
        if case .bool(let flag)? = table["skip_verify"] { skipVerify = flag }
        var ca: [String] = []
        switch table["ca"] {
        case .string(let path)?: ca = [path]
        case .array(let paths)?: ca = paths.compactMap { if case .string(let text) = $0 { text } else { nil } }
        default: break
        }
        return RegistryEndpoint(base: base, capabilities: capabilities, skipVerify: skipVerify, ca: ca)
    }

    /// An HTTP client honouring the endpoint's TLS settings; nil means the shared default client.
    static func client(for endpoint: RegistryEndpoint) throws(CtrError) -> HTTPClient? {
        guard endpoint.skipVerify || !endpoint.ca.isEmpty else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        if endpoint.skipVerify { tls.certificateVerification = .none }
        if !endpoint.ca.isEmpty {
            var certificates: [NIOSSLCertificate] = []
            for path in endpoint.ca {
                do {
                    certificates += try NIOSSLCertificate.fromPEMFile(path)
                } catch {
                    throw .invalidArgument("registry CA \(path): \(error)")
                }
            }
            tls.trustRoots = .certificates(certificates)
        }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration(tls))
    }

    /// The HTTP client for registries without TLS settings of their own (never shut down).
    public static let defaultClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration(nil))

    /// A failed connection (refused, or a certificate the TLS handshake rejects) fails the
    /// request at once with its cause, as Go's HTTP client does for containerd: AsyncHTTPClient's
    /// default retries it until the request's deadline, then reports only that the connection
    /// closed.
    static func configuration(_ tls: TLSConfiguration?) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return configuration
    }
}
