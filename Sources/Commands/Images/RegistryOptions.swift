import ArgumentParser
import Registry

/// How `images pull` and `images push` reach a registry.
struct RegistryOptions: ParsableArguments {
    @Flag(name: .customLong("plain-http"), help: "Use plain HTTP for the registry.") var plainHTTP = false

    @Option(name: .customLong("hosts-dir"), help: ArgumentHelp(
        "Registry hosts directory, containerd's layout (<dir>/<host>/hosts.toml: mirrors, skip_verify, ca).",
        valueName: "dir"))
    var hostsDir: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Registry credentials.", valueName: "user[:password]"))
    var user: String?

    /// A registry client for these options; `close()` it when done.
    func makeClient() -> RegistryClient {
        var credentials: RegistryCredentials?
        if let user {
            let parts = user.split(separator: ":", maxSplits: 1).map(String.init)
            credentials = RegistryCredentials(username: parts.first ?? "", password: parts.count > 1 ? parts[1] : "")
        }
        return RegistryClient(plainHTTP: plainHTTP, credentials: credentials, hosts: hostsDir.map(RegistryHosts.init))
    }
}
