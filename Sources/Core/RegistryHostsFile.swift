import TOML

/// One place to reach a registry: a mirror or the server itself.
public struct RegistryEndpoint: Sendable, Equatable {
    /// `scheme://host[:port][/path]`, without the `/v2` suffix.
    public var base: String
    public var capabilities: Set<String>
    public var skipVerify: Bool
    public var ca: [String]

    public init(base: String, capabilities: Set<String>, skipVerify: Bool, ca: [String]) {
        self.base = base
        self.capabilities = capabilities
        self.skipVerify = skipVerify
        self.ca = ca
    }
}

/// What one of containerd's `hosts.toml` files says: `server = "…"` and `[host."https://mirror"]`
/// tables (`capabilities`, `skip_verify`, `ca`). Mirrors come in file order, then the server.
/// Read here, apart from the registry client, so that the fuzzer reaches it (ctr-fuzz `hosts`).
public enum RegistryHostsFile {
    /// The endpoints `text` names; `file` names it in errors.
    public static func endpoints(parsing text: String, file: String) throws(CtrError) -> [RegistryEndpoint] {
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
                endpoints.append(try endpoint(key, host, file: file))
            }
        default:
            throw .invalidArgument("registry hosts \(file): \"host\" must be a table of hosts")
        }
        if case .string(let server)? = table["server"] {
            endpoints.append(try endpoint(server, table, file: file, defaultCapabilities: ["pull", "resolve", "push"]))
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
}
