import ArgumentParser

/// `ctr completion bash|zsh|fish`: prints the completion script, as kubectl, crictl and nerdctl do.
struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print the shell completion script (bash, zsh or fish).",
        discussion: """
            The script completes commands, flags and the daemon's objects (namespaces, images, \
            containers, tasks, snapshots, content, leases; CRI pods, containers and images), after \
            global options too: `ctr -n k8s.io tasks kill <TAB>` asks namespace k8s.io, \
            `ctr -a SOCK cri stop <TAB>` asks the daemon at SOCK. A daemon that is down or slow gets \
            nothing offered.

            Install it:
              bash:  ctr completion bash > /etc/bash_completion.d/ctr
                     (or add `source <(ctr completion bash)` to ~/.bashrc)
              zsh:   ctr completion zsh > "${fpath[1]}/_ctr", then restart zsh
              fish:  ctr completion fish > ~/.config/fish/completions/ctr.fish
            """)

    @Argument(help: ArgumentHelp("The shell.", valueName: "shell"))
    var shell: CompletionScripts.Shell

    func run() throws {
        print(CompletionScripts.script(for: shell))
    }
}

extension CompletionScripts.Shell: ExpressibleByArgument {}

/// `ctr __complete SHELL LINE`, what the scripts run: see `CompletionScripts`.
enum CompletionRequest {
    static let word = "__complete"

    /// `arguments`: the shell, the line cut at the cursor and, for bash, COMP_WORDBREAKS.
    static func run(_ arguments: [String]) async {
        guard arguments.count >= 2, let shell = CompletionScripts.Shell(rawValue: arguments[0]) else { return }
        let result = await CompletionEngine.complete(line: arguments[1])
        // bash replaces only what follows the last word-break character (`:` in `busybox:v1`, `=`
        // in `--namespace=x`), so that much is cut off each candidate.
        var cut = 0
        let current = ShellWords(arguments[1]).current
        if arguments.count > 2, let last = current.lastIndex(where: arguments[2].contains) {
            cut = current.distance(from: current.startIndex, to: last) + 1
        }
        var out = result.fallback.rawValue + "\n"
        for candidate in result.candidates {
            let value = String(candidate.value.dropFirst(cut))
            out += shell == .fish && !candidate.description.isEmpty
                ? value + "\t" + candidate.description + "\n" : value + "\n"
        }
        print(out, terminator: "")
    }
}
