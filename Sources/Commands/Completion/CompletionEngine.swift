import ArgumentParser
import Core

/// Completes a `ctr` command line: the shell scripts (`ctr completion bash|zsh|fish`, through
/// `ctr __complete`) and `ctr shell` ask it. It walks the command tree as the parser does, so global
/// options written anywhere (`ctr -n k8s.io tasks kill <TAB>`) and aliases (`ctr images rm <TAB>`)
/// are understood, and the live values come from the arguments' own `.custom` completions, which are
/// given the whole line: the `-a`, `-n` and `-r` written on it choose the daemon they ask.
enum CompletionEngine {
    /// What the shell should offer.
    struct Result: Equatable {
        enum Fallback: String { case none = "-", files, directories }
        var candidates: [Candidate]
        var fallback: Fallback = .none
    }

    struct Candidate: Equatable {
        var value: String
        var description: String = ""
    }

    /// The global options offered before the command words, with what each is for. Which options
    /// may be written there, and which take a value, is `GlobalOptions.hoistable`'s to say.
    static let globalOptions: [(names: [String], abstract: String)] = [
        (["--address", "-a"], "Address of the daemon's socket"),
        (["--namespace", "-n"], "Namespace to use"),
        (["--timeout"], "Timeout of each call"),
        (["--connect-timeout"], "How long to wait for the socket"),
        (["--debug"], "Print debug information"),
        (["--runtime-endpoint", "-r"], "CRI runtime endpoint"),
        (["--image-endpoint", "-i"], "CRI image endpoint"),
    ]

    /// Completes the last word of `line` (a whole command line, `ctr` first, cut at the cursor).
    static func complete(line: String) async -> Result {
        let split = ShellWords(line)
        var words = split.words
        if let first = words.first, first == "ctr" || first.hasSuffix("/ctr") {
            words.removeFirst()
        }
        return await complete(words: words, current: split.current)
    }

    /// Completes `current`, the word after `words` (the command line without the program name).
    static func complete(words: [String], current: String) async -> Result {
        var walk = Walk()
        for word in words { walk.consume(word) }
        // A word the tree does not know, or the container's own command line (`run IMAGE ID CMD…`).
        if walk.stopped || walk.positional(at: walk.positionals)?.passthrough == true { return Result(candidates: []) }

        if let option = walk.pendingOption {
            return await values(of: option, walk: walk, words: words, prefix: current, shown: "")
        }
        if current.hasPrefix("--"), let equals = current.firstIndex(of: "=") {
            let name = String(current[..<equals])
            let value = String(current[current.index(after: equals)...])
            guard let option = walk.option(named: name), option.takesValue else { return Result(candidates: []) }
            return await values(of: option, walk: walk, words: words, prefix: value, shown: name + "=")
        }
        if current.hasPrefix("-") {
            return Result(candidates: walk.options().filter { $0.value.hasPrefix(current) })
        }
        if walk.afterTerminator == false, !walk.command.configuration.subcommands.isEmpty {
            return Result(candidates: subcommands(of: walk.command, prefix: current))
        }
        guard let positional = walk.positional(at: walk.positionals) else { return Result(candidates: []) }
        return await values(of: positional, walk: walk, words: words, prefix: current, shown: "")
    }

    static func subcommands(of command: any ParsableCommand.Type, prefix: String) -> [Candidate] {
        let visible = command.configuration.subcommands.filter { $0.configuration.shouldDisplay }
        let named = visible.filter { $0._commandName.hasPrefix(prefix) }
            .map { Candidate(value: $0._commandName, description: $0.configuration.abstract) }
        if !named.isEmpty { return named }
        // Only an alias matches what was typed (`ctr images del<TAB>`): offer it.
        return visible.flatMap { sub in
            sub.configuration.aliases.filter { $0.hasPrefix(prefix) }
                .map { Candidate(value: $0, description: sub.configuration.abstract) }
        }
    }

    /// The values an option or a positional argument takes.
    static func values(of argument: Argument, walk: Walk, words: [String], prefix: String, shown: String) async -> Result {
        let values: [String]
        switch argument.completion {
        case .none:
            return Result(candidates: [])
        case .files:
            return Result(candidates: [], fallback: .files)
        case .directories:
            return Result(candidates: [], fallback: .directories)
        case .list(let list):
            values = list.filter { $0.hasPrefix(prefix) }
        case .custom:
            values = await custom(argument, walk: walk, words: words, prefix: prefix)
        case .namespaces:
            values = await Completions.namespaces(GlobalOptions.hoist(words), 0, prefix)
        }
        return Result(candidates: values.map { Candidate(value: shown + $0) })
    }

    /// Runs an argument's `.custom` completion through ArgumentParser's own entry point
    /// (`---completion PATH -- ARGUMENT INDEX CURSOR WORDS…`), with the line's words hoisted as the
    /// parser would see them (`-a` before `cri` becomes `--address`).
    static func custom(_ argument: Argument, walk: Walk, words: [String], prefix: String) async -> [String] {
        let line = ["ctr"] + GlobalOptions.hoist(words) + [prefix]
        let request = ["---completion"] + walk.path + ["--", argument.completionName, String(line.count - 1),
                                                     String(prefix.count)] + line
        do {
            _ = try await Ctr.asyncParseAsRoot(request)
            return []
        } catch {
            // The completions arrive as a "help" error that exits 0; any other error is not one.
            guard Ctr.exitCode(for: error) == .success else { return [] }
            let output = Ctr.fullMessage(for: error)
            return output.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
        }
    }
}
