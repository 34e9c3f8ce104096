import ArgumentParser
import Client
import Core
import Glibc
import Synchronization

/// `ctr shell`: an interactive console. Every `ctr` command runs without the `ctr` prefix, in this
/// process, over connections kept open per socket; `use namespace NAME` and `use endpoint ADDRESS`
/// change what the following commands address.
struct ShellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "An interactive console for ctr commands (GNU readline, TAB completion, history).",
        discussion: """
            Type any ctr command without `ctr` (`images ls`, `cri ps`, `-n k8s.io tasks ls`). Built in: \
            `use namespace NAME`, `use endpoint ADDRESS` (the containerd API and CRI alike), `help`, `exit`. \
            TAB completes commands, flags and the daemon's objects; history is kept in ~/.ctr_history \
            (lines carrying credentials are never written); Ctrl-C cancels the running command, Ctrl-D \
            leaves. Without a terminal, lines are read from standard input.
            """)

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    @Flag(name: .customLong("errexit"), help: "Stop at the first command that fails, with its exit status.")
    var errexit = false

    func run() async throws {
        // Commands read the address and namespace as one-shot commands do, from the environment.
        if let address = global.address { setenv("CONTAINERD_ADDRESS", address, 1) }
        if let namespace = global.namespace { setenv("CONTAINERD_NAMESPACE", namespace, 1) }
        let pool = ConnectionPool()
        let session = ShellSession(pool: pool)
        let status: Int32
        if isatty(STDIN_FILENO) == 1 {
            status = await session.interactive(errexit: errexit)
        } else {
            status = await session.script(errexit: errexit)
        }
        await pool.close()
        if status != 0 { throw ExitCode(status) }
    }
}

/// One shell session: the command loop, the built-ins, and the running command.
final class ShellSession: Sendable {
    private let pool: ConnectionPool
    private let running = Mutex<Task<Int32, Never>?>(nil)

    init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// The namespace and endpoint a command without -n and -a uses now.
    var prompt: String { "ctr (\(GlobalOptions.namespace(given: nil)) @ \(GlobalOptions.address(given: nil)))> " }

    func interactive(errexit: Bool) async -> Int32 {
        let home = Environment.value("HOME") ?? "/root"
        let history = home + "/.ctr_history"
        if access(history, F_OK) != 0 { close(open(history, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)) }
        let terminal = Terminal(historyFile: history, complete: { line in
            await ShellSession.complete(line)
        }, onInterrupt: { [self] in
            running.withLock { $0?.cancel() }
        })
        while let line = await terminal.readLine(prompt: prompt) {
            let status = await execute(line)
            if status < 0 { return 0 }
            if errexit && status != 0 { return status }
        }
        print("")
        return 0
    }

    func script(errexit: Bool) async -> Int32 {
        var last: Int32 = 0
        while let line = readLine(strippingNewline: true) {
            let status = await execute(line)
            if status < 0 { return last }
            last = status
            if errexit && status != 0 { return status }
        }
        return last
    }

    /// Runs one line; returns its exit status, or -1 for `exit`.
    func execute(_ line: String) async -> Int32 {
        var words = ShellWords(line).all
        if words.first == "ctr" { words.removeFirst() }
        guard let first = words.first, !first.hasPrefix("#") else { return 0 }
        switch first {
        case "exit", "quit":
            return -1
        case "use":
            return use(Array(words.dropFirst()))
        case "help":
            print(ShellCommand.helpMessage(for: ShellCommand.self) + "\n" + Ctr.helpMessage())
            return 0
        default:
            break
        }
        let task = Task { [pool] in
            await Connection.$pool.withValue(pool) { await ShellSession.runCommand(words) }
        }
        running.withLock { $0 = task }
        let status = await task.value
        running.withLock { $0 = nil }
        return status
    }

    private func use(_ arguments: [String]) -> Int32 {
        guard arguments.count == 2 else {
            printError("ctr: usage: use namespace NAME | use endpoint ADDRESS")
            return 1
        }
        switch arguments[0] {
        case "namespace", "ns":
            do {
                try Identifier.validate(arguments[1], kind: "namespace")
            } catch {
                printError("ctr: \(error)")
                return 1
            }
            setenv("CONTAINERD_NAMESPACE", arguments[1], 1)
        case "endpoint", "address":
            // Both APIs: the containerd groups and `cri` (whose own variables would win otherwise).
            for name in ["CONTAINERD_ADDRESS", "CONTAINER_RUNTIME_ENDPOINT", "IMAGE_SERVICE_ENDPOINT"] {
                setenv(name, arguments[1], 1)
            }
        default:
            printError("ctr: use what? \"\(arguments[0])\": say namespace or endpoint")
            return 1
        }
        return 0
    }

    /// Parses and runs one command as `ctr` would, printing errors as one line.
    static func runCommand(_ words: [String]) async -> Int32 {
        // The command word comes first once global options are hoisted; the shell has no alias.
        if GlobalOptions.hoist(words).first == ShellCommand._commandName {
            printError("ctr: already in the shell")
            return 1
        }
        do {
            try await Ctr.parseAndRun(words)
            return 0
        } catch {
            // Ctrl-C: the terminal has echoed ^C; the status is a shell's for SIGINT.
            if Task.isCancelled { return 130 }
            if let error = error as? CtrError {
                printError("ctr: \(error)")
                return 1
            }
            let code = Ctr.exitCode(for: error)
            if code == .success {
                print(Ctr.fullMessage(for: error))
                return 0
            }
            let message = Ctr.message(for: error)
            if !message.isEmpty { printError("ctr: " + message) }
            return code.rawValue
        }
    }

    /// TAB completion: built-ins, then every ctr command through the completion engine.
    static func complete(_ line: String) async -> [String]? {
        let split = ShellWords(line)
        if split.words.isEmpty {
            let builtins = ["use", "help", "exit"].filter { $0.hasPrefix(split.current) }
            let result = await CompletionEngine.complete(words: [], current: split.current)
            return builtins + result.candidates.map(\.value)
        }
        if split.words.first == "use" {
            if split.words.count == 1 { return ["namespace", "endpoint"].filter { $0.hasPrefix(split.current) } }
            if split.words.count == 2, split.words[1] == "namespace" {
                return await Completions.namespaces([], 0, split.current)
            }
            return split.words.count == 2 && split.words[1] == "endpoint" ? nil : []
        }
        let result = await CompletionEngine.complete(line: "ctr " + line)
        if result.candidates.isEmpty && result.fallback != .none { return nil }
        return result.candidates.map(\.value)
    }
}
