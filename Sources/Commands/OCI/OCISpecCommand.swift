import ArgumentParser
import Core
import FoundationEssentials

/// `ctr oci spec`: the default OCI runtime spec ctr gives containers.
struct OCIGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oci", abstract: "OCI runtime spec tools.", subcommands: [OCISpecCommand.self])
}

struct OCISpecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "spec", abstract: "Print the default OCI runtime spec.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    func run() async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let spec = OCISpec.defaultSpec(id: "", namespace: global.resolvedNamespace)
        printOut(String(decoding: try encoder.encode(spec), as: UTF8.self))
    }
}
