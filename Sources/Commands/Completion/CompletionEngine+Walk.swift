import ArgumentParser
import Core

extension CompletionEngine {
    /// An option or positional argument of a command, as completion needs it.
    struct Argument {
        enum Kind: String { case option, flag, positional }
        enum Completion: Equatable { case none, files, directories, list([String]), custom, namespaces }

        var kind: Kind
        /// `--long`, `-s`; empty for positionals.
        var names: [String]
        var repeating = false
        /// Takes everything that follows (`ctr run IMAGE ID CMD…`): nothing to complete.
        var passthrough = false
        var completion: Completion = .none
        var abstract = ""
        var shown = true
        /// Among the command's positional arguments.
        var positionalIndex = 0

        var takesValue: Bool { kind == .option }

        /// How ArgumentParser's `---completion` entry point names the argument.
        var completionName: String {
            kind == .positional ? "positional@\(positionalIndex)" : names.first { $0.hasPrefix("--") } ?? names.first ?? ""
        }

        /// The arguments of a leaf command, from ArgumentParser's description of it.
        static func of(_ command: any ParsableCommand.Type) -> [Argument] {
            guard let dump = try? JSONValue.parse(command._dumpHelp()),
                  case .array(let items)? = dump["command"]?["arguments"] else { return [] }
            var positionals = 0
            return items.compactMap { item -> Argument? in
                guard let kind = item["kind"]?.stringValue.flatMap(Kind.init(rawValue:)) else { return nil }
                var argument = Argument(kind: kind, names: names(item["names"]))
                argument.repeating = item["isRepeating"] == .bool(true)
                argument.shown = item["shouldDisplay"] != .bool(false)
                argument.abstract = item["abstract"]?.stringValue ?? ""
                argument.completion = completion(item)
                if kind == .positional {
                    argument.positionalIndex = positionals
                    positionals += 1
                    argument.passthrough = item["parsingStrategy"]?.stringValue.map { $0 != "default" } ?? false
                }
                return argument
            }
        }

        private static func names(_ value: JSONValue?) -> [String] {
            guard case .array(let names)? = value else { return [] }
            let all = names.compactMap { name -> String? in
                guard let text = name["name"]?.stringValue else { return nil }
                return name["kind"]?.stringValue == "long" ? "--" + text : "-" + text
            }
            return all.filter { $0.hasPrefix("--") } + all.filter { !$0.hasPrefix("--") }
        }

        private static func completion(_ item: JSONValue) -> Completion {
            if let kind = item["completionKind"] {
                if kind["custom"] != nil || kind["customAsync"] != nil { return .custom }
                if kind["file"] != nil { return .files }
                if kind["directory"] != nil { return .directories }
                if case .array(let values)? = kind["list"]?["values"] { return .list(values.compactMap(\.stringValue)) }
            }
            if case .array(let values)? = item["allValues"] { return .list(values.compactMap(\.stringValue)) }
            return .none
        }
    }

    /// The command tree walked along the words typed so far.
    struct Walk {
        var command: any ParsableCommand.Type = Ctr.self
        /// Canonical command names from the root.
        var path: [String] = []
        /// The leaf command's arguments, once the walk reaches a leaf.
        var arguments: [Argument] = []
        var positionals = 0
        var pendingOption: Argument?
        var afterTerminator = false
        /// A word the tree does not know, or an argument that takes the rest of the line.
        var stopped = false

        var isLeaf: Bool { command.configuration.subcommands.isEmpty }
        var underCRI: Bool { path.first == CRIGroup._commandName }

        mutating func consume(_ word: String) {
            if pendingOption != nil {
                pendingOption = nil
                return
            }
            if afterTerminator || (isLeaf && word == "--") {
                if word == "--" && !afterTerminator { afterTerminator = true } else { takePositional() }
                return
            }
            if word.hasPrefix("-"), word.count > 1 {
                let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
                if let option = option(named: name), option.takesValue, !word.contains("=") { pendingOption = option }
                return
            }
            guard !isLeaf else {
                takePositional()
                return
            }
            let next = command.configuration.subcommands.first { sub in
                sub._commandName == word || sub.configuration.aliases.contains(word)
            }
            guard let next else {
                stopped = true
                return
            }
            command = next
            path.append(next._commandName)
            if isLeaf { arguments = Argument.of(next) }
        }

        private mutating func takePositional() {
            if positional(at: positionals)?.passthrough == true { stopped = true }
            positionals += 1
        }

        func positional(at index: Int) -> Argument? {
            let all = arguments.filter { $0.kind == .positional }
            if index < all.count { return all[index] }
            return all.last?.repeating == true ? all.last : nil
        }

        /// The option a word names: the leaf's own, else one of the global options.
        func option(named name: String) -> Argument? {
            if isLeaf, let own = arguments.first(where: { $0.kind != .positional && $0.names.contains(name) }) {
                return own
            }
            // Any option the parser hoists is skipped with its value wherever it is written
            // (`ctr -r SOCK cri …`, `ctr --snapshotter x snapshots …`); only some are offered.
            if let known = allGlobals.first(where: { $0.names.contains(name) }) { return known }
            return GlobalOptions.hoistable[name].map { Argument(kind: $0 ? .option : .flag, names: [name]) }
        }

        /// The global options that apply where the walk stands.
        var globals: [Argument] {
            allGlobals.filter { option in
                let crictl = ["--runtime-endpoint", "--image-endpoint"].contains(option.names[0])
                return underCRI ? crictl || ["--address", "--timeout"].contains(option.names[0]) : !crictl
            }
        }

        /// Every global option.
        var allGlobals: [Argument] {
            CompletionEngine.globalOptions.map { option in
                let takesValue = GlobalOptions.hoistable[option.names[0]] ?? false
                var argument = Argument(kind: takesValue ? .option : .flag, names: option.names)
                argument.abstract = option.abstract
                switch option.names[0] {
                case "--namespace": argument.completion = .namespaces
                case "--address", "--runtime-endpoint", "--image-endpoint": argument.completion = .files
                default: break
                }
                return argument
            }
        }

        /// The options to offer for a word starting with `-`.
        func options() -> [Candidate] {
            let offered = isLeaf ? arguments.filter { $0.kind != .positional && $0.shown } : globals
            return offered.flatMap { option in option.names.map { Candidate(value: $0, description: option.abstract) } }
        }
    }
}
