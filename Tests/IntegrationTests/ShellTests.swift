import Core
import Foundation
import Testing
import TestSupport

/// A terminal: a tmux server of its own running one program in a window of fixed size, typed into
/// with `send-keys` and read with `capture-pane`, as a person at a terminal would.
final class TmuxTerminal {
    let server = "ctr-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    init(_ command: [String], environment: [String: String]) throws {
        let env = environment.map { "\($0.key)=\($0.value)" }
        // The tmux server outlives the command that starts it: it gets no pipe of the test's to
        // hold, and the client is waited for directly. Subprocess starts it with default signal
        // handling: a shell started with SIGINT ignored (as the test runner has it) could never be
        // interrupted with Ctrl-C.
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { Glibc.close(null) }
        let pid = try Subprocess.spawn(["/usr/bin/tmux", "-L", server, "-f", "/dev/null", "new-session", "-d", "-x", "220",
                                        "-y", "50", "/usr/bin/env"] + env + command, stdin: null, stdout: null, stderr: null)
        let status = Subprocess.wait(pid)
        guard status == 0 else { throw TestFailure("tmux new-session failed: status \(status)") }
    }

    /// Types `text` literally, then the named keys (`Tab`, `Enter`, `C-c`…).
    func type(_ text: String, _ keys: String...) throws {
        if !text.isEmpty { _ = try run("/usr/bin/tmux", ["-L", server, "send-keys", "-l", text]) }
        for key in keys { _ = try run("/usr/bin/tmux", ["-L", server, "send-keys", key]) }
    }

    var screen: String {
        (try? run("/usr/bin/tmux", ["-L", server, "capture-pane", "-p", "-J"]))?.stdout ?? ""
    }

    /// Waits until the screen satisfies `condition`; returns the screen.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(10), _ condition: (String) -> Bool) throws -> String {
        var last = ""
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            last = screen
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestFailure("the terminal never showed \(what); screen:\n\(last)")
    }

    func close() {
        _ = try? run("/usr/bin/tmux", ["-L", server, "kill-server"])
    }
}

/// `ctr shell`, the completion scripts in bash, zsh and fish, and the one address story, driven in
/// real terminals against our daemon with a CRI pod running.
@Suite("Shell, completion and addresses in real terminals", .serialized, .timeLimit(.minutes(5)),
       .enabled(if: haveRegistryTools && haveRunc && getuid() == 0
                && Prerequisites.have(["/usr/bin/tmux", "/usr/bin/zsh", "/usr/bin/fish"])))
struct ShellTests {
    /// Our daemon with the CRI fixture's images, one pod and a container printing a line every
    /// 200 ms; the binary reachable as `ctr` on a PATH of its own.
    final class Node {
        let fixture: CRIFixture
        let daemon: DaemonProcess
        let cri: CRICLI
        let container: String
        let bin: String

        init() throws {
            fixture = try CRIFixture()
            try FileManager.default.createDirectory(atPath: fixture.path + "/ours", withIntermediateDirectories: true)
            daemon = try DaemonProcess.ours(in: fixture.path + "/ours", config: fixture.ourConfig())
            cri = CRICLI(socket: daemon.socket)
            let streaming = CRITests.StreamingTests()
            try cri("pull", fixture.images.busybox)
            let pod = try streaming.startPod(cri, fixture, "shell")
            container = try streaming.startContainer(cri, fixture, pod: pod, name: "ticker",
                                                     command: ["/bin/sh", "-c", "while :; do echo tick; sleep 0.2; done"])
            bin = fixture.path + "/bin"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: bin + "/ctr", withDestinationPath: ctrBinary)
        }

        /// A terminal environment without any address variable: what is typed must choose the daemon.
        var environment: [String: String] {
            ["PATH": bin + ":/usr/sbin:/usr/bin:/sbin:/bin", "HOME": fixture.path, "TERM": "xterm", "LANG": "C.UTF-8"]
        }

        deinit {
            _ = try? cri.attempt("rmp", "-f", "-a")
            cleanUpRuntime(fixture.path + "/ours")
        }
    }

    @Test("bash, zsh and fish: -n and -a typed before the command choose what TAB offers; aliases; nothing and quickly when the daemon is down")
    func completionScripts() throws {
        let node = try Node()
        let socket = node.daemon.socket
        let prefix = String(node.container.prefix(8))
        let scripts = node.fixture.path + "/scripts"
        try FileManager.default.createDirectory(atPath: scripts, withIntermediateDirectories: true)
        for shell in ["bash", "zsh", "fish"] {
            try ctr(["completion", shell]).write(toFile: scripts + "/ctr." + shell, atomically: false, encoding: .utf8)
        }
        let shells: [(name: String, command: [String], setup: String)] = [
            ("bash", ["/bin/bash", "--norc", "--noprofile"], "source \(scripts)/ctr.bash"),
            ("zsh", ["/usr/bin/zsh", "-f"], "autoload -U compinit && compinit -u && source \(scripts)/ctr.zsh"),
            ("fish", ["/usr/bin/fish", "--no-config"], "source \(scripts)/ctr.fish"),
        ]
        for shell in shells {
            let terminal = try TmuxTerminal(shell.command, environment: node.environment)
            defer { terminal.close() }
            try terminal.type(shell.setup, "Enter")
            try terminal.type("echo ready", "Enter")
            try terminal.waitFor("\(shell.name) ready") { $0.contains("\nready") }

            // The CRI container's task lives in namespace k8s.io: `-n` typed on the line decides.
            try terminal.type("ctr -a \(socket) -n k8s.io tasks kill \(prefix)", "Tab")
            try terminal.waitFor("\(shell.name): the task ID completed from namespace k8s.io") {
                $0.contains("tasks kill \(node.container)")
            }
            try terminal.type("", "C-c")
            // `-a` before `cri` is the CRI endpoint too.
            try terminal.type("ctr -a \(socket) cri stop \(prefix)", "Tab")
            try terminal.waitFor("\(shell.name): the CRI container ID completed from \(socket)") {
                $0.contains("cri stop \(node.container)")
            }
            try terminal.type("", "C-c")
            // Through an alias: `images rm` completes images, not the images subcommands.
            try terminal.type("ctr -a \(socket) --namespace=k8s.io images rm \(node.fixture.images.busybox.dropLast(1))", "Tab")
            try terminal.waitFor("\(shell.name): an image reference completed through the alias rm") {
                $0.contains("images rm \(node.fixture.images.busybox)")
            }
            try terminal.type("", "C-c")
            // A daemon that is not there: TAB offers nothing, prints nothing, and comes back at once.
            let down = node.fixture.path + "/down.sock"
            try terminal.type("ctr -a \(down) cri stop \(prefix)", "Tab")
            let typed = ContinuousClock.now
            try terminal.type("Z")
            let screen = try terminal.waitFor("\(shell.name): the key after TAB", timeout: .seconds(5)) {
                $0.contains("cri stop \(prefix)Z")
            }
            let waited = ContinuousClock.now - typed
            #expect(waited < .seconds(1), "\(shell.name): TAB with no daemon took \(waited)")
            #expect(!screen.contains("cannot connect") && !screen.contains("ctr:"), "\(shell.name) printed:\n\(screen)")
            try terminal.type("", "C-c")
        }
    }

    @Test("ctr shell: TAB completes from the daemon, use namespace, Ctrl-C stops logs -f, history without credentials survives a restart; scripts with --errexit")
    func shell() throws {
        let node = try Node()
        var environment = node.environment
        environment["CONTAINERD_ADDRESS"] = node.daemon.socket
        let prefix = String(node.container.prefix(8))
        let terminal = try TmuxTerminal(["ctr", "shell"], environment: environment)
        defer { terminal.close() }
        try terminal.waitFor("the prompt") { $0.contains("ctr (default @ \(node.daemon.socket))> ") }

        try terminal.type("tasks ls", "Enter")
        try terminal.waitFor("an empty task list in default") { $0.contains("TASK") }
        #expect(!terminal.screen.contains(prefix), "the default namespace has no CRI task")
        try terminal.type("use namespace k8s.io", "Enter")
        try terminal.waitFor("the new prompt") { $0.contains("ctr (k8s.io @ ") }
        try terminal.type("tasks ls", "Enter")
        try terminal.waitFor("the CRI container's task in k8s.io") { $0.contains(node.container) && $0.contains("RUNNING") }

        try terminal.type("clear", "Enter")
        try terminal.type("tasks ps \(prefix)", "Tab")
        try terminal.waitFor("the container ID completed") { $0.contains("tasks ps \(node.container)") }
        try terminal.type("", "Enter")
        try terminal.waitFor("the task's processes") { $0.contains("PID") }

        // Ctrl-C ends a follow and the shell goes on.
        try terminal.type("cri logs -f \(node.container)", "Enter")
        try terminal.waitFor("ticks", timeout: .seconds(15)) { $0.components(separatedBy: "tick").count > 3 }
        try terminal.type("", "C-c")
        try terminal.type("version", "Enter")
        try terminal.waitFor("the next command's output") { $0.contains("Server:") && $0.contains("UUID") }

        // A user without a password: asked on the terminal, not echoed.
        try terminal.type("clear", "Enter")
        try terminal.type("images pull --plain-http --user alice \(node.fixture.images.busybox)", "Enter")
        try terminal.waitFor("the password prompt") { $0.contains("Password for alice: ") }
        try terminal.type("s3cret-typed", "Enter")
        try terminal.waitFor("the pull done") { $0.contains("unpacking") || $0.contains("done") }
        #expect(!terminal.screen.contains("s3cret-typed"), "the password was echoed:\n\(terminal.screen)")

        // A credential typed on a line never reaches the history file.
        try terminal.type("images pull --user alice:hunter2 127.0.0.1:9/none:1", "Enter")
        try terminal.waitFor("the failed pull's one-line error") { $0.contains("ctr: ") }
        try terminal.type("exit", "Enter")
        try eventually("the shell exits") { !terminal.screen.contains("ctr (k8s.io") || terminal.screen.isEmpty }
        let history = try String(contentsOfFile: node.fixture.path + "/.ctr_history", encoding: .utf8)
        #expect(history.contains("use namespace k8s.io") && history.contains("cri logs -f"), "\(history)")
        #expect(!history.contains("hunter2") && !history.contains("s3cret"), "\(history)")

        // A new shell has the history: Up brings back the last command recorded.
        let again = try TmuxTerminal(["ctr", "shell"], environment: environment)
        defer { again.close() }
        try again.waitFor("the prompt") { $0.contains("ctr (default @ ") }
        try again.type("", "Up")
        try again.waitFor("the last command from the history") { $0.contains("> exit") }
        try again.type("", "C-c")
        try again.type("", "C-d")

        // Without a terminal: line by line; --errexit stops at the failing line with its status.
        let script = node.fixture.path + "/script"
        try "version\nnamespaces ls -q\ncri inspect no-such-container\nnamespaces ls -q\n".write(toFile: script, atomically: false, encoding: .utf8)
        let result = try run("/bin/sh", ["-c", "\(ctrBinary) shell --errexit < \(script)"], environment: environment)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.components(separatedBy: "k8s.io").count == 2, "one namespaces ls ran: \(result)")
        #expect(result.stderr.contains("no-such-container"), "\(result)")
        let lenient = try run("/bin/sh", ["-c", "\(ctrBinary) shell < \(script)"], environment: environment)
        #expect(lenient.status == 0 && lenient.stdout.components(separatedBy: "k8s.io").count == 3, "\(lenient)")
    }

    @Test("one address for the whole binary: -a and CONTAINERD_ADDRESS reach ctr cri; -r and CONTAINER_RUNTIME_ENDPOINT win")
    func addresses() throws {
        let node = try Node()
        let socket = node.daemon.socket
        #expect(try ctr(["-a", socket, "cri", "version"]).contains("RuntimeName:"))
        let listed = try run(ctrBinary, ["cri", "ps", "-q"], environment: ["CONTAINERD_ADDRESS": socket])
        #expect(listed.status == 0 && listed.stdout.contains(node.container), "\(listed)")
        let bogus = node.fixture.path + "/nothing.sock"
        let overridden = try run(ctrBinary, ["-a", socket, "cri", "-r", bogus, "version"])
        #expect(overridden.status == 1 && overridden.stderr.contains(bogus), "\(overridden)")
        let byEnvironment = try run(ctrBinary, ["-a", socket, "cri", "version"], environment: ["CONTAINER_RUNTIME_ENDPOINT": bogus])
        #expect(byEnvironment.status == 1 && byEnvironment.stderr.contains(bogus), "\(byEnvironment)")
        let help = try run(ctrBinary, ["cri", "--help"], environment: ["CONTAINERD_ADDRESS": socket])
        #expect(help.stdout.contains(socket) && help.stdout.contains("CONTAINERD_ADDRESS"), "\(help)")
    }
}
