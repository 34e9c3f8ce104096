import ArgumentParser
@testable import Commands
import Foundation
import Testing

/// Every command path of the tree, with each alias spelled out.
private func commandPaths(_ command: any ParsableCommand.Type, prefix: [String] = []) -> [([String], any ParsableCommand.Type)] {
    var result: [([String], any ParsableCommand.Type)] = []
    for sub in command.configuration.subcommands {
        for name in [sub._commandName] + sub.configuration.aliases {
            let path = prefix + [name]
            result.append((path, sub))
            result.append(contentsOf: commandPaths(sub, prefix: path))
        }
    }
    return result
}

@Suite("Command tree")
struct CommandTreeTests {
    @Test("every command and alias resolves and has help")
    func everyCommandResolves() throws {
        let paths = commandPaths(Ctr.self)
        #expect(paths.count > 15)
        for (path, type) in paths {
            // `--help` on a resolvable path parses to ArgumentParser's help command, not an error.
            let parsed = try Ctr.parseAsRoot(path + ["--help"])
            #expect(!(parsed is Ctr), "\(path) did not resolve")
            let help = Ctr.helpMessage(for: type)
            #expect(help.contains(type.configuration.abstract.prefix(30)), "\(path) help lacks its abstract")
        }
    }

    @Test("containerd's group aliases and crictl's verbs reach their command", arguments: [
        (["plugin", "ls"], "PluginsList"), (["plugins", "list"], "PluginsList"), (["ns", "ls"], "NamespacesList"),
        (["namespace", "list"], "NamespacesList"), (["namespaces", "c", "x"], "NamespacesCreate"),
        (["ns", "rm", "x"], "NamespacesRemove"), (["ns", "remove", "x"], "NamespacesRemove"),
        (["ns", "label", "x", "a=b"], "NamespacesLabel"), (["version"], "VersionCommand"),
        (["cri", "version"], "CRIVersion"), (["cri", "info"], "CRIInfo"),
        (["daemon", "config", "default"], "DaemonConfigDefault"), (["daemon", "config", "dump"], "DaemonConfigDump"),
        (["cri", "pods", "-q", "--label", "a=b", "-n", "2"], "CRIPods"), (["cri", "ps", "-a", "-o", "json"], "CRIPs"),
        (["cri", "img"], "CRIImages"), (["cri", "exec", "-s", "abc", "ls", "-l"], "CRIExec"),
        (["cri", "stop", "-t", "5", "abc"], "CRIStop"), (["cri", "runp", "--runtime", "runc", "pod.json"], "CRIRunp"),
        (["cri", "logs", "-f", "--tail", "3", "abc"], "CRILogs"), (["cri", "rmi", "--prune"], "CRIRmi"),
        (["cri", "load", "a.tar"], "CRILoad"), (["cri", "save", "out.tar", "busybox"], "CRISave"),
    ])
    func aliases(path: [String], command: String) throws {
        let parsed = try Ctr.parseAsRoot(path)
        #expect(String(describing: type(of: parsed)) == command, "\(path)")
    }

    @Test("global options parse before or after the command words")
    func globalOptionsAnywhere() throws {
        let before = try Ctr.parseAsRoot(GlobalOptions.hoist(["-a", "/tmp/x.sock", "-n", "team", "ns", "ls", "-q"]))
        let after = try Ctr.parseAsRoot(["ns", "ls", "-q", "--address", "/tmp/x.sock", "--namespace", "team"])
        for command in [before, after] {
            let list = try #require(command as? NamespacesList)
            #expect(list.global.resolvedAddress == "/tmp/x.sock")
            #expect(list.global.resolvedNamespace == "team")
            #expect(list.quiet)
        }
    }

    @Test("bad arguments are refused as usage errors naming the bad value", arguments: [
        (["ns", "create", "x", "novalue"], "label \"novalue\" must be key=value"),
        (["version", "--timeout", "soon"], "--timeout: invalid duration \"soon\""),
        (["plugins", "ls", "-o", "xml"], "'xml' is invalid for '-o"),
    ])
    func badArguments(path: [String], message: String) {
        do {
            let parsed = try Ctr.parseAsRoot(path)
            Issue.record("\(path) parsed as \(type(of: parsed))")
        } catch {
            #expect(Ctr.exitCode(for: error) == .validationFailure, "\(path): \(error)")
            #expect(Ctr.message(for: error).contains(message), "\(path): \(Ctr.message(for: error))")
        }
    }

    @Test("committed completions equal what `ctr completion` prints", arguments: [
        (CompletionScripts.Shell.bash, "ctr.bash"), (CompletionScripts.Shell.zsh, "_ctr"), (CompletionScripts.Shell.fish, "ctr.fish"),
    ])
    func completionsUpToDate(shell: CompletionScripts.Shell, file: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let committed = try String(contentsOf: root.appendingPathComponent("completions/\(file)"), encoding: .utf8)
        // The binary prints the script with a final newline.
        let generated = CompletionScripts.script(for: shell) + "\n"
        #expect(committed == generated, "completions/\(file) is stale: run scripts/generate-completions.sh")
    }
}
