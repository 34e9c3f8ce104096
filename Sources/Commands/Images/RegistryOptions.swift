import ArgumentParser
import Registry

/// How `images pull` and `images push` reach a registry.
struct RegistryOptions: ParsableArguments {
    @Flag(name: .customLong("plain-http"), help: "Use plain HTTP for the registry.") var plainHTTP = false

    @Option(name: .customLong("hosts-dir"), help: ArgumentHelp(
        "Registry hosts directory, containerd's layout (<dir>/<host>/hosts.toml: mirrors, skip_verify, ca).",
        valueName: "dir"))
    var hostsDir: String?

    @Option(name: [.short, .long], help: ArgumentHelp(
        "Registry credentials; without a password it is asked on the terminal, with echo off.",
        valueName: "user[:password]"))
    var user: String?

    /// A registry client for these options; `close()` it when done. A user without a password is
    /// asked for it first.
    func makeClient() throws -> RegistryClient {
        var credentials: RegistryCredentials?
        if let user {
            let parts = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts.first ?? ""
            guard !name.isEmpty else { throw ValidationError("--user: the user name must not be empty") }
            let password = parts.count > 1 ? parts[1] : try PasswordPrompt.read(for: name)
            credentials = RegistryCredentials(username: name, password: password)
        }
        return RegistryClient(plainHTTP: plainHTTP, credentials: credentials, hosts: hostsDir.map(RegistryHosts.init))
    }
}
