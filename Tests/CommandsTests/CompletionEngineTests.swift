@testable import Commands
import Testing

/// The completion engine without a daemon: the command tree, global options, aliases and the
/// values ArgumentParser describes. Live values are tested against a daemon (IntegrationTests).
@Suite("Completion engine")
struct CompletionEngineTests {
    private func values(_ line: String) async -> [String] {
        await CompletionEngine.complete(line: line).candidates.map(\.value)
    }

    @Test("words split as a shell splits them, the word under the cursor apart")
    func shellWords() {
        #expect(ShellWords("ctr -n k8s.io tasks kill ") == ShellWords(words: ["ctr", "-n", "k8s.io", "tasks", "kill"], current: ""))
        #expect(ShellWords(#"ctr images rm 'a b' "c\"d" e\ f"#).all == ["ctr", "images", "rm", "a b", #"c"d"#, "e f"])
        #expect(ShellWords("run ''").all == ["run", ""])
        #expect(ShellWords("cri ps --na").current == "--na")
        #expect(ShellWords("echo 'open").unterminatedQuote)
    }

    @Test("subcommands after global options, at any depth")
    func subcommandsAfterGlobals() async {
        #expect(await values("ctr -n k8s.io t") == ["tasks"])
        #expect(await values("ctr -a /tmp/x.sock --namespace=k8s.io tasks ki") == ["kill"])
        #expect(await values("ctr --debug -n x cri -r /tmp/y st").contains("stop"))
        // crictl's endpoint written before `cri` is skipped with its value, as the parser hoists it.
        #expect(await values("ctr -r /tmp/y.sock cri sto").sorted() == ["stop", "stopp"])
        // Every option the parser hoists is skipped with its value, `--snapshotter` too.
        #expect(await values("ctr --snapshotter native snapshots li") == ["list"])
        #expect(await values("ctr -a /tmp/x.sock cri stop").isEmpty == false)
        // Hidden commands are not offered.
        #expect(await values("ctr sh") == ["shell"])
    }

    @Test("aliases lead to their command; an alias is offered only when no name matches")
    func aliases() async {
        // `images rm` is `images remove`: its options, not the group's subcommands.
        #expect(await values("ctr images rm --s") == ["--sync"])
        #expect(await values("ctr i ls -") .contains("--quiet"))
        #expect(await values("ctr images del") == ["delete", "del"])
    }

    @Test("option values: files, fixed lists; nothing for a free value; the rest of a command line is its own")
    func optionValues() async {
        #expect(await CompletionEngine.complete(line: "ctr images import ").fallback == .files)
        #expect(await CompletionEngine.complete(line: "ctr -a ").fallback == .files)
        #expect(await values("ctr completion ") == ["bash", "zsh", "fish"])
        #expect(await values("ctr cri ps -o ") == ["table", "json", "yaml"])
        #expect(await values("ctr --timeout ").isEmpty)
        // After `ctr run IMAGE ID`, words belong to the container's command.
        #expect(await values("ctr run img id --").isEmpty)
    }

    @Test("a daemon that is not there gets nothing offered, quickly")
    func noDaemon() async {
        let started = ContinuousClock.now
        #expect(await values("ctr -a /nonexistent/ctr.sock -n k8s.io tasks kill ").isEmpty)
        #expect(await values("ctr -a /nonexistent/ctr.sock cri stop ").isEmpty)
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test("history keeps no credential")
    func history() {
        #expect(ShellHistory.mayRecord("images pull --user alice 127.0.0.1:5000/app"))
        #expect(!ShellHistory.mayRecord("images pull --user alice:secret 127.0.0.1:5000/app"))
        #expect(!ShellHistory.mayRecord("images pull -u=alice:secret ref"))
        #expect(!ShellHistory.mayRecord("cri pull --creds bob:hunter2 ref"))
        #expect(!ShellHistory.mayRecord("cri pull --auth Ym9iOmh1bnRlcjI= ref"))
        #expect(ShellHistory.mayRecord("cri pull --creds bob ref"))
        #expect(!ShellHistory.mayRecord("   "))
    }
}
