import ArgumentParser

/// `ctr namespaces`: manage namespaces.
struct Namespaces: AsyncParsableCommand {
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
