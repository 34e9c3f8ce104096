public import ArgumentParser
import Core
import Daemon
import Glibc

/// The root of the `ctr` command tree.
public struct Ctr: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ctr",
        abstract: "A containerd-compatible container runtime, daemon and CRI client in one binary.",
        discussion: """
            Client commands speak containerd's gRPC API and work against `ctr daemon` or containerd \
            (--address/-a, CONTAINERD_ADDRESS). `ctr cri` speaks the Kubernetes CRI to any runtime.
            """,
        version: "ctr \(CtrVersion.version)",
        subcommands: [
            DaemonCommand.self,
            VersionCommand.self,
            PluginsGroup.self,
            NamespacesGroup.self,
            ImagesGroup.self,
            ContentGroup.self,
            LeasesGroup.self,
            SnapshotsGroup.self,
            ContainersGroup.self,
            TasksGroup.self,
            RunCommand.self,
            OCIGroup.self,
            EventsCommand.self,
            CRIGroup.self,
            DoctorCommand.self,
            CompletionCommand.self,
            ShellCommand.self,
            ShimCommand.self,
        ]
    )

    public init() {}

    /// Runs the command named by the process arguments. `CtrError`s print as one line,
    /// `ctr: <message>`, and exit 1; argument errors print usage as ArgumentParser does.
    public static func execute() async {
        if CommandLine.arguments.dropFirst().first == CompletionRequest.word {
            await CompletionRequest.run(Array(CommandLine.arguments.dropFirst(2)))
            return
        }
        let arguments = GlobalOptions.hoist(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try await asyncParseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CtrError {
            printError("ctr: \(error)")
            Glibc.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}

/// Writes one line to stderr.
func printError(_ line: String) {
    let text = line.hasSuffix("\n") ? line : line + "\n"
    StandardError.write(text)
}
