/// What `ctr shell` keeps in `~/.ctr_history`.
enum ShellHistory {
    /// Lines kept, in memory and in the file.
    static let limit = 1000

    /// Options whose value may carry a secret: `--user name:password`, `--creds user:password`,
    /// crictl's `--auth` (a base64 user:password) and registry tokens.
    private static let secretValued: Set<String> = ["--user", "-u", "--creds", "--auth", "--password", "--token",
                                                   "--registry-token", "--identity-token"]
    private static let alwaysSecret: Set<String> = ["--auth", "--password", "--token", "--registry-token",
                                                   "--identity-token"]

    /// Whether a line may be remembered: never one that carries a credential. A user name alone
    /// (`--user alice`, whose password is prompted for) may be.
    static func mayRecord(_ line: String) -> Bool {
        let words = ShellWords(line).all
        guard !words.isEmpty else { return false }
        for (index, word) in words.enumerated() {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0]
            guard secretValued.contains(name) else { continue }
            if alwaysSecret.contains(name) { return false }
            let value = parts.count == 2 ? parts[1] : index + 1 < words.count ? words[index + 1] : ""
            if value.contains(":") { return false }
        }
        return true
    }
}
