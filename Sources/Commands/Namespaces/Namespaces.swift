import ArgumentParser

/// `ctr namespaces`: manage namespaces.
struct NamespacesGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "namespaces", abstract: "Manage namespaces.",
        subcommands: [NamespacesCreate.self, NamespacesList.self, NamespacesRemove.self, NamespacesLabel.self],
        aliases: ["namespace", "ns"])
}

/// Parses `key=value` arguments; `key=` (empty value) is kept, meaning "remove" where updating.
func parseLabels(_ arguments: [String]) throws -> [String: String] {
    var labels: [String: String] = [:]
    for argument in arguments {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
            throw ValidationError("label \"\(argument)\" must be key=value")
        }
        labels[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
    }
    return labels
}

func formatLabels(_ labels: [String: String]) -> String {
    labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
}

/// Runs `remove` for each name, printing the name on success and one error line per failure;
/// exits 1 at the end when any failed (containerd's `ctr … rm` behaviour).
func removeEach(_ names: [String], kind: String, _ remove: (String) async throws -> Void) async throws {
    var failed = false
    for name in names {
        do {
            try await remove(name)
            printOut(name)
        } catch {
            printError("ctr: unable to delete \(kind)\(name): \(error)")
            failed = true
        }
    }
    if failed { throw ExitCode(1) }
}
