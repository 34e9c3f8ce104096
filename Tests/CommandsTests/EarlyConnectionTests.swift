import ArgumentParser
@testable import Commands
import Glibc
import Testing

@Suite("Connect while parsing")
struct EarlyConnectionTests {
    /// The top-level commands that do not talk to the containerd API through GlobalOptions.
    static let others: Set<String> = ["daemon", "cri", "shell", "shim", "completion", "oci", "doctor"]

    @Test("the words are exactly the containerd-API commands' names and aliases")
    func wordsMatchTheTree() {
        var words: Set<String> = []
        for sub in Ctr.configuration.subcommands where !Self.others.contains(sub._commandName) {
            words.insert(sub._commandName)
            words.formUnion(sub.configuration.aliases)
        }
        #expect(words == EarlyConnection.clientWords)
    }

    @Test("the address comes from -a/--address anywhere, else the environment's or default", arguments: [
        (["-a", "/tmp/x.sock", "version"], "/tmp/x.sock"),
        (["version", "--address", "/tmp/y.sock"], "/tmp/y.sock"),
        (["-n", "k8s.io", "tasks", "kill", "--address=/tmp/z.sock", "ID"], "/tmp/z.sock"),
        (["--debug", "i", "ls", "-a=/tmp/w.sock"], "/tmp/w.sock"),
    ])
    func givenAddress(arguments: [String], address: String) {
        #expect(EarlyConnection.address(arguments) == address)
    }

    @Test("without an address: what the command itself resolves")
    func defaultAddress() {
        #expect(EarlyConnection.address(["-n", "k8s.io", "containers", "ls"]) == GlobalOptions.address(given: nil))
    }

    @Test("no guess for other commands, help, or a bare line", arguments: [
        ["daemon", "--address", "/tmp/d.sock"], ["shell"], ["images", "--help"],
        ["help", "images"], ["-a", "/tmp/x.sock"], [], ["-h"], ["oci", "spec"],
    ])
    func noGuess(arguments: [String]) {
        #expect(EarlyConnection.address(arguments) == nil)
    }

    @Test("cri: -r first, then CONTAINER_RUNTIME_ENDPOINT, then the address; -a after cri is --all")
    func criAddress() {
        #expect(EarlyConnection.address(["cri", "-r", "/tmp/r.sock", "ps"]) == "/tmp/r.sock")
        #expect(EarlyConnection.address(["-a", "/tmp/x.sock", "cri", "exec", "--runtime-endpoint=/tmp/r.sock", "ID"])
            == "/tmp/r.sock")
        let fromEnvironment = Environment.value("CONTAINER_RUNTIME_ENDPOINT")
        #expect(EarlyConnection.address(["-a", "/tmp/x.sock", "cri", "ps", "-a"]) == fromEnvironment ?? "/tmp/x.sock")
        #expect(EarlyConnection.address(["cri", "ps", "-a"]) == fromEnvironment ?? GlobalOptions.address(given: nil))
    }

    @Test("nothing is opened when nothing listens at the address")
    func nothingListening() {
        #expect(EarlyConnection.start(["-a", "/tmp/ctr-early-connection-test-\(getpid()).sock", "version"]) == nil)
    }
}
