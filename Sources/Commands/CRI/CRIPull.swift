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
        if password == nil {
            guard let entered = getpass("Password: ") else { throw CtrError.invalidArgument("no password entered") }
            password = String(cString: entered)
        }
        return .with {
            $0.username = user
            $0.password = password ?? ""
        }
    }

    func run() async throws {
        let authentication = try authConfig()
        let sandbox = try podConfig.map { try CRIConfigFile.podSandboxConfig(path: $0) }
        let imageRef = try await cri.withImages(.none) {
            try await $0.pullImage(reference, auth: authentication, sandboxConfig: sandbox)
        }
        printOut("Image is up to date for \(imageRef)")
    }
}
