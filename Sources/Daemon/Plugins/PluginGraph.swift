public import Core

/// Orders registrations so every plugin comes after the plugins of the types it requires, keeping
/// registration order otherwise (containerd's `plugin.Graph`).
public enum PluginGraph {
    /// Requirements are checked against every registration; the result holds only those not in
    /// `disabled` (a plugin whose requirement is disabled is kept, and fails when it initializes).
    public static func order(_ all: [PluginRegistration], disabled: Set<String> = []) throws(CtrError)
        -> [PluginRegistration]
    {
        let uris = all.map(\.uri)
        if let duplicate = uris.firstDuplicate {
            throw .failedPrecondition("plugin graph: plugin \(duplicate) is registered twice")
        }
        let types = Set(all.map(\.type))
        for registration in all {
            for required in registration.requires where required != .all && !types.contains(required) {
                throw .failedPrecondition(
                    "plugin graph: plugin \(registration.uri) requires unknown plugin type \(required)")
            }
        }
        let registrations = all.filter { !disabled.contains($0.uri) }
        var ordered: [PluginRegistration] = []
        var added: Set<String> = []
        var visiting: [String] = []

        func visit(_ registration: PluginRegistration) throws(CtrError) {
            if added.contains(registration.uri) { return }
            if let start = visiting.firstIndex(of: registration.uri) {
                let cycle = visiting[start...] + [registration.uri]
                throw .failedPrecondition("plugin graph: dependency cycle \(cycle.joined(separator: " -> "))")
            }
            visiting.append(registration.uri)
            for required in registration.requires {
                for dependency in registrations where dependency.uri != registration.uri {
                    if required == .all {
                        // "*" waits for every plugin that does not itself wait for everything.
                        if !dependency.requires.contains(.all) { try visit(dependency) }
                    } else if dependency.type == required {
                        try visit(dependency)
                    }
                }
            }
            visiting.removeLast()
            added.insert(registration.uri)
            ordered.append(registration)
        }

        for registration in registrations {
            try visit(registration)
        }
        return ordered
    }
}

extension Array where Element: Hashable {
    var firstDuplicate: Element? {
        var seen: Set<Element> = []
        for element in self where !seen.insert(element).inserted {
            return element
        }
        return nil
    }
}
