import API
import ArgumentParser
import CRIClient
import Core
import Glibc

/// `ctr cri pull REF`: pulls an image through the CRI image service.
struct CRIPull: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull", abstract: "Pull an image from a registry.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(help: ArgumentHelp("Registry credentials.", valueName: "user[:password]")) var creds: String?
    @Option(help: ArgumentHelp("Registry auth string (base64 of user:password).", valueName: "auth")) var auth: String?
    @Option(name: [.short, .long], help: "Registry user name (the password is asked on the terminal).")
    var username: String?
    @Option(name: .customLong("pod-config"), help: "A pod sandbox config to pull for (JSON or YAML).",
            completion: .file(extensions: ["json", "yaml", "yml"]))
    var podConfig: String?
    @OptionGroup var timeout: PullTimeout
    @Argument(help: "The image reference.", completion: .custom(CRICompletions.images)) var reference: String

    func validate() throws {
        if [creds, auth, username].compactMap({ $0 }).count > 1 {
            throw ValidationError("--creds, --auth and --username are mutually exclusive")
        }
    }

    func authConfig() throws -> Runtime_V1_AuthConfig? {
        if let auth { return .with { $0.auth = auth } }
        var user: String
        var password: String?
        if let creds {
            let parts = creds.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            user = String(parts[0])
            password = parts.count > 1 ? String(parts[1]) : nil
        } else if let username {
            user = username
        } else {
            return nil
        }
        if user.isEmpty { throw ValidationError("the user name must not be empty") }
        if password == nil { password = try PasswordPrompt.read(for: user) }
        return .with {
            $0.username = user
            $0.password = password ?? ""
        }
    }

    func run() async throws {
        let authentication = try authConfig()
        let sandbox = try podConfig.map { try CRIConfigFile.podSandboxConfig(path: $0) }
        let cri = self.cri
        let reference = self.reference
        let timeout = self.timeout
        let pull = { @Sendable in
            try await timeout.pull(reference, cri: cri) {
                try await $0.pullImage(reference, auth: authentication, sandboxConfig: sandbox)
            }
        }
        // PullImage is one unary call. On a terminal, the blobs it is fetching are shown from the
        // runtime's ingests (containerd's Content API in namespace k8s.io: our daemon and
        // containerd have it); crictl's plain output everywhere else.
        guard isatty(1) == 1 else {
            printOut("Image is up to date for \(try await pull())")
            return
        }
        let display = ProgressDisplay(quiet: false)
        let imageRef = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { try await pull() }
            group.addTask {
                await CRIPullProgress.watch(cri, display)
                return nil
            }
            var pulled: String?
            while let result = try await group.next() {
                if let result {
                    pulled = result
                    group.cancelAll()
                }
            }
            guard let pulled else { throw CtrError.internalError("pull \(reference): no result") }
            return pulled
        }
        if display.isEmpty {
            printOut("Image is up to date for \(imageRef)")
        } else {
            display.markAllDone()
            display.finish("Image is up to date for \(imageRef)")
        }
    }
}

/// Shows a running CRI pull from the runtime's ingests: each ref's bytes while it is listed,
/// done once it is gone (committed). It stops when cancelled, mid-poll or mid-sleep; the caller
/// marks whatever is left done once the pull has succeeded.
enum CRIPullProgress {
    static func watch(_ cri: CRIOptions, _ display: ProgressDisplay) async {
        _ = try? await cri.withContainerd { client in
            var shown: [String: Int64] = [:]
            while !Task.isCancelled {
                let statuses = try await client.ingestStatuses()
                var listed = Set<String>()
                for status in statuses {
                    listed.insert(status.ref)
                    shown[status.ref] = status.total
                    display.update(key: status.ref, label: label(status.ref), state: .downloading, bytes: status.offset,
                                   total: status.total)
                }
                for (ref, total) in shown where !listed.contains(ref) {
                    display.update(key: ref, label: label(ref), state: .done, bytes: nil, total: total)
                    shown[ref] = nil
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// `cri-pull-layer-sha256:<hex>` (ours) or `layer-sha256:<hex>` (containerd's) →
    /// `layer-sha256:<12 hex>`.
    static func label(_ ref: String) -> String {
        guard let range = ref.firstRange(of: "sha256:") else { return ref }
        let kind = ref[..<range.lowerBound].split(separator: "-").last.map(String.init) ?? "blob"
        return "\(kind)-sha256:\(ref[range.upperBound...].prefix(12))"
    }
}
