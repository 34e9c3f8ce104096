public import AsyncHTTPClient
public import Core
import NIOSSL
import Glibc

/// containerd's registry hosts directory: `<dir>/<registry host>/hosts.toml` (or `_default`), read
/// by `RegistryHostsFile`. Mirrors are tried in file order, then the server.
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
        return try RegistryHostsFile.endpoints(parsing: text, file: file)
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
