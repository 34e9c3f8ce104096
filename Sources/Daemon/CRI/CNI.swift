import Core
import Glibc

/// A CNI network configuration list (CNI spec 1.0): a name, a version and plugins run in order.
struct CNINetworkList: Sendable {
    var name: String
    var cniVersion: String
    var plugins: [JSONValue]
    /// The file it came from.
    var source: String

    /// Reads a `.conflist`, or a single-plugin `.conf`/`.json`, naming the file in errors.
    static func load(_ path: String) throws(CtrError) -> CNINetworkList {
        guard let text = readTextFile(path) else { throw .notFound("cni config \(path): cannot be read") }
        let document: JSONValue
        do { document = try JSONValue.parse(text) } catch {
            throw .invalidArgument("cni config \(path): invalid JSON: \(error)")
        }
        let name = document["name"]?.stringValue ?? ""
        let version = document["cniVersion"]?.stringValue ?? "1.0.0"
        if case .array(let plugins)? = document["plugins"] {
            guard !plugins.isEmpty else { throw .invalidArgument("cni config \(path): no plugins") }
            return CNINetworkList(name: name, cniVersion: version, plugins: plugins, source: path)
        }
        guard document["type"]?.stringValue != nil else {
            throw .invalidArgument("cni config \(path): neither \"plugins\" nor \"type\"")
        }
        return CNINetworkList(name: name, cniVersion: version, plugins: [document], source: path)
    }

    static let loopback = CNINetworkList(name: "cni-loopback", cniVersion: "1.0.0",
                                         plugins: [.object([("type", .string("loopback"))])], source: "")

    var json: JSONValue {
        .object([("name", .string(name)), ("cniVersion", .string(cniVersion)), ("plugins", .array(plugins)),
                 ("source", .string(source))])
    }

    init(name: String, cniVersion: String, plugins: [JSONValue], source: String) {
        self.name = name
        self.cniVersion = cniVersion
        self.plugins = plugins
        self.source = source
    }

    init(json: JSONValue) throws(CtrError) {
        guard case .array(let plugins)? = json["plugins"] else { throw .invalidArgument("cni cache: no plugins") }
        self.init(name: json["name"]?.stringValue ?? "", cniVersion: json["cniVersion"]?.stringValue ?? "1.0.0",
                  plugins: plugins, source: json["source"]?.stringValue ?? "")
    }
}

/// What a pod's network attachment needs besides the network: its identity for `CNI_ARGS` and
/// the capabilities (`portMappings`, `dns`) the runtime passes in `runtimeConfig`.
struct CNIAttachment: Sendable {
    var sandboxID: String
    var netns: String
    var podName: String
    var podNamespace: String
    var podUID: String
    var portMappings: [JSONValue]
}

/// Runs CNI plugins from `binDir` (CNI spec 1.0 protocol: environment + config on stdin, result
/// on stdout). The config and result of every ADD are cached under `cacheDir`, so DEL works with
/// what ADD used even after the config changed or the daemon restarted.
struct CNIRunner: Sendable {
    let binDirs: [String]
    let confDir: String
    let cacheDir: String

    /// The first network config list in `confDir` by file name; nil when there is none.
    func network() throws(CtrError) -> CNINetworkList? {
        guard let path = firstCNIConfig(in: confDir) else { return nil }
        return try CNINetworkList.load(path)
    }

    /// Attaches loopback and the pod network (the two at once); returns the pod's IPs (first is
    /// the primary).
    func add(_ attachment: CNIAttachment) async throws -> [String] {
        guard let network = try network() else {
            throw CtrError.failedPrecondition("cni: no network config found in \(confDir)")
        }
        // The network goes into the cache before the plugins run: a daemon killed during ADD
        // (the address may be allocated, the veth made) then still has what DEL needs.
        try makeDirectories(cacheDir, mode: 0o700)
        let pending = JSONValue.object([("network", network.json), ("portMappings", .array(attachment.portMappings))])
        try writeFileAtomically(cachePath(attachment.sandboxID), Array(pending.serialized().utf8), durable: false)
        async let loopback = BlockingThread.run {
            try run("ADD", CNINetworkList.loopback, attachment, ifname: "lo", previous: nil)
        }
        let result = try await BlockingThread.run { try run("ADD", network, attachment, ifname: "eth0", previous: nil) }
        _ = try await loopback
        let cache = JSONValue.object([("network", network.json), ("result", result),
                                      ("portMappings", .array(attachment.portMappings))])
        try writeFileAtomically(cachePath(attachment.sandboxID), Array(cache.serialized().utf8), durable: false)
        return Self.addresses(result)
    }

    /// Detaches the pod network with the cached config and result (none when ADD did not finish);
    /// nothing cached, nothing was added.
    func delete(_ attachment: CNIAttachment) throws(CtrError) {
        let path = cachePath(attachment.sandboxID)
        guard let text = readTextFile(path), let cache = try? JSONValue.parse(text), let saved = cache["network"] else {
            return
        }
        var attachment = attachment
        if case .array(let mappings)? = cache["portMappings"] { attachment.portMappings = mappings }
        let network = try CNINetworkList(json: saved)
        try run("DEL", network, attachment, ifname: "eth0", previous: cache["result"])
        _ = try? run("DEL", CNINetworkList.loopback, attachment, ifname: "lo", previous: nil)
        unlink(path)
    }

    func cachePath(_ sandboxID: String) -> String { cacheDir + "/" + sandboxID + ".json" }

    /// Runs every plugin of the list for `command` (DEL in reverse order), each ADD's result
    /// becoming the next plugin's `prevResult`.
    @discardableResult
    func run(_ command: String, _ network: CNINetworkList, _ attachment: CNIAttachment, ifname: String,
             previous: JSONValue?) throws(CtrError) -> JSONValue {
        var result = previous
        let plugins = command == "DEL" ? Array(network.plugins.reversed()) : network.plugins
        for plugin in plugins {
            guard let type = plugin["type"]?.stringValue, !type.isEmpty, !type.contains("/") else {
                throw .invalidArgument("cni config \(network.source): a plugin without a valid \"type\"")
            }
            guard let binary = binDirs.map({ $0 + "/" + type }).first(where: { access($0, X_OK) == 0 }) else {
                throw .failedPrecondition("cni: plugin \"\(type)\" not found in \(binDirs.joined(separator: ":"))")
            }
            var fields: [(String, JSONValue)] = []
            if case .object(let members) = plugin { fields = members.filter { $0.0 != "runtimeConfig" } }
            fields.removeAll { $0.0 == "name" || $0.0 == "cniVersion" || $0.0 == "prevResult" }
            fields.insert(("cniVersion", .string(network.cniVersion)), at: 0)
            fields.insert(("name", .string(network.name)), at: 1)
            if let result { fields.append(("prevResult", result)) }
            if case .object(let capabilities)? = plugin["capabilities"],
               capabilities.contains(where: { $0.0 == "portMappings" && $0.1 == .bool(true) }),
               !attachment.portMappings.isEmpty {
                fields.append(("runtimeConfig", .object([("portMappings", .array(attachment.portMappings))])))
            }
            let environment = [
                "CNI_COMMAND=\(command)", "CNI_CONTAINERID=\(attachment.sandboxID)", "CNI_NETNS=\(attachment.netns)",
                "CNI_IFNAME=\(ifname)", "CNI_PATH=\(binDirs.joined(separator: ":"))",
                "CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAMESPACE=\(attachment.podNamespace);K8S_POD_NAME=\(attachment.podName);"
                    + "K8S_POD_INFRA_CONTAINER_ID=\(attachment.sandboxID);K8S_POD_UID=\(attachment.podUID)",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ]
            let output = try Subprocess.run([binary], input: Array(JSONValue.object(fields).serialized().utf8),
                                            environment: environment)
            if output.status != 0 {
                let parsed = try? JSONValue.parse(output.output)
                let message = parsed?["msg"]?.stringValue ?? output.error.trimmed
                let details = parsed?["details"]?.stringValue.map { ": \($0)" } ?? ""
                throw .internalError("cni \(command) \(network.name) plugin \(type) for pod sandbox \(attachment.sandboxID): \(message)\(details)")
            }
            if command == "ADD" {
                result = try? JSONValue.parse(output.output)
            }
        }
        return result ?? .object([])
    }

    /// The addresses (without prefix length) in a CNI result's `ips`.
    static func addresses(_ result: JSONValue) -> [String] {
        guard case .array(let ips)? = result["ips"] else { return [] }
        return ips.compactMap { entry in
            entry["address"]?.stringValue.map { String($0.split(separator: "/").first ?? Substring($0)) }
        }
    }
}

