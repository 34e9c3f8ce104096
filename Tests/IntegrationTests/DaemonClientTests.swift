import Core
import Foundation
import Testing
import TestSupport

/// `ctr daemon` driven by our `ctr` and by Debian containerd's `ctr`, and our `ctr` against a real
/// containerd: the containerd API is wire-compatible both ways.
@Suite("Daemon and clients", .timeLimit(.minutes(3)))
struct DaemonClientTests {
    @Test("our ctr: version, plugins, namespaces, output formats")
    func ourClient() throws {
        let dir = try TemporaryDirectory("ctr-ours")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]

        let version = try JSONValue.parse(try ctr(a + ["version", "-o", "json"]))
        #expect(version["server"]?["version"] == .string(CtrVersion.version))
        guard case .string(let uuid)? = version["server"]?["uuid"] else {
            Issue.record("no server uuid"); return
        }
        #expect(uuid.count == 36)

        let plugins = try ctr(a + ["plugins", "ls"])
        #expect(plugins.hasPrefix("TYPE"))
        let rows = plugins.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        for plugin in [["io.containerd.grpc.v1", "cri"], ["io.containerd.metadata.v1", "sqlite"],
                       ["io.containerd.snapshotter.v1", "overlayfs"], ["io.containerd.grpc.v1", "snapshots"]] {
            #expect(rows.contains { Array($0.prefix(2)) == plugin }, "plugins ls lacks \(plugin):\n\(plugins)")
        }
        #expect(!plugins.contains("error"))
        #expect(try ctr(a + ["plugins", "ls", "-q", "type==io.containerd.metadata.v1"]) == "sqlite\n")
        let detailed = try ctr(a + ["plugin", "ls", "-d", "id==cri"])
        #expect(detailed.contains("Requires:") && detailed.contains("io.containerd.metadata.v1"))

        try ctr(a + ["namespaces", "create", "team-a", "owner=ops", "tier=1"])
        try ctr(["-a", daemon.socket, "ns", "label", "team-a", "tier=", "env=prod"])
        let listed = try ctr(a + ["ns", "ls"])
        #expect(listed.contains("team-a    env=prod,owner=ops"), "\(listed)")
        #expect(try ctr(a + ["ns", "ls", "-q"]).split(separator: "\n") == ["default", "k8s.io", "team-a"])
        let json = try JSONValue.parse(try ctr(a + ["ns", "ls", "-o", "json"]))
        guard case .array(let items) = json else { Issue.record("not an array"); return }
        #expect(items.count == 3)
        #expect(try ctr(a + ["ns", "ls", "-o", "yaml"]).contains("- name: team-a\n  labels:\n    env: prod\n"))

        let duplicate = try run(ctrBinary, a + ["ns", "create", "team-a"])
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr == "ctr: namespace \"team-a\": already exists\n")
        let invalid = try run(ctrBinary, a + ["ns", "create", "Bad/Name"])
        #expect(invalid.status == 1 && invalid.stderr.contains("namespace \"Bad/Name\" must match"))

        #expect(try ctr(a + ["ns", "rm", "team-a"]) == "team-a\n")
        let missing = try run(ctrBinary, a + ["ns", "rm", "team-a"])
        #expect(missing.status != 0 && missing.stderr.contains("namespace \"team-a\": not found"))
        #expect(try daemon.stop() == 0)
    }

    @Test("one address for every command: ctr -a and CONTAINERD_ADDRESS reach the daemon for ctr cri too; -r and CONTAINER_RUNTIME_ENDPOINT win")
    func oneAddress() throws {
        let dir = try TemporaryDirectory("ctr-addr")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let missing = dir.path + "/nobody-listens.sock"
        #expect(try ctr(["-a", daemon.socket, "cri", "version"]).contains("RuntimeName:  ctr"))
        #expect(try ctr(["cri", "--address", daemon.socket, "version"]).contains("RuntimeName:  ctr"))
        #expect(try ctr(["cri", "ps"], environment: ["CONTAINERD_ADDRESS": daemon.socket]).hasPrefix("CONTAINER"))
        // `ps -a` is still crictl's --all.
        #expect(try ctr(["-a", daemon.socket, "cri", "ps", "-a"]).hasPrefix("CONTAINER"))
        // crictl's own endpoint settings win over the daemon address.
        #expect(try ctr(["-a", missing, "-r", daemon.socket, "cri", "version"]).contains("RuntimeName:  ctr"))
        let refused = try run(ctrBinary, ["-a", daemon.socket, "cri", "version"],
                              environment: ["CONTAINER_RUNTIME_ENDPOINT": "unix://" + missing])
        #expect(refused.status != 0 && refused.stderr.contains(missing), "\(refused)")
        let help = try run(ctrBinary, ["cri", "version", "--help"])
        #expect(help.stdout.contains("else --address or CONTAINERD_ADDRESS"), "\(help)")
        try daemon.stop()
    }

    @Test("environment defaults and live completion of namespaces")
    func environmentAndCompletion() throws {
        let dir = try TemporaryDirectory("ctr-env")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        try ctr(["ns", "create", "alpha"], environment: ["CONTAINERD_ADDRESS": "unix://" + daemon.socket])
        try ctr(["ns", "create", "beta"], environment: ["CONTAINERD_ADDRESS": daemon.socket])
        // What the generated bash script runs when completing `ctr namespaces rm -a SOCK a<TAB>`.
        let completion = try ctr(["---completion", "namespaces", "remove", "--", "positional@0", "5", "1",
                                  "ctr", "namespaces", "remove", "-a", daemon.socket, "a"])
        #expect(completion == "alpha\n")
        let all = try ctr(["---completion", "namespaces", "list", "--", "--namespace", "4", "0", "ctr", "ns", "ls", "-n", ""],
                          environment: ["CONTAINERD_ADDRESS": daemon.socket])
        #expect(all.split(separator: "\n") == ["alpha", "beta", "default", "k8s.io"])
        // No daemon: no completions, no error.
        let none = try run(ctrBinary, ["---completion", "namespaces", "list", "--", "--namespace", "4", "0", "ctr",
                                       "ns", "ls", "-a", dir.path + "/none.sock", "-n", ""])
        #expect(none.status == 0 && none.stdout.isEmpty)
        try daemon.stop()
    }

    @Test("Debian containerd's ctr against our daemon: version, plugins ls, namespaces",
          .usesContainerd)
    func containerdClientAgainstOurs() throws {
        let dir = try TemporaryDirectory("ctr-cdc")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]

        let version = try containerdClient(a + ["version"])
        #expect(version.contains("Server:\n  Version:  \(CtrVersion.version)"), "\(version)")
        #expect(version.contains("UUID: "))

        // TYPE ID PLATFORMS STATUS: the CRI plugin and the metadata store are listed as ok.
        let plugins = try containerdClient(a + ["plugins", "ls"])
        let pluginRows = tableRows(plugins)
        for plugin in [["io.containerd.grpc.v1", "cri"], ["io.containerd.metadata.v1", "sqlite"]] {
            let row = pluginRows.first { Array($0.prefix(2)) == plugin }
            #expect(row?.last == "ok", "\(plugin) in:\n\(plugins)")
        }

        try containerdClient(a + ["namespaces", "create", "from-go", "a=b"])
        try containerdClient(a + ["namespaces", "label", "from-go", "c=d"])
        let listed = try containerdClient(a + ["namespaces", "ls"])
        #expect(tableRows(listed).contains(["from-go", "a=b,c=d"]), "\(listed)")
        #expect(try outputLines(containerdClient(a + ["namespaces", "ls", "-q"])) == ["default", "from-go", "k8s.io"])
        try containerdClient(a + ["namespaces", "remove", "from-go"])
        #expect(try outputLines(containerdClient(a + ["namespaces", "ls", "-q"])) == ["default", "k8s.io"])
        // Our client sees what the Go client did, and vice versa.
        try ctr(a + ["ns", "create", "from-swift"])
        #expect(try outputLines(containerdClient(a + ["namespaces", "ls", "-q"])) == ["default", "from-swift", "k8s.io"])
        #expect(try daemon.stop() == 0)
    }

    @Test("our ctr against Debian's containerd: version, plugins ls, namespaces ls",
          .usesContainerd)
    func ourClientAgainstContainerd() throws {
        let dir = try TemporaryDirectory("ctr-cd")
        defer { dir.remove() }
        let containerd = try DaemonProcess.containerd(in: dir.path)
        let a = ["--address", containerd.socket]

        let version = try ctr(a + ["version"])
        #expect(version.contains("Server:\n  Version:  1.6"), "\(version)")
        // containerd's own view, through our client: its overlayfs snapshotter ok, some snapshotters
        // skipped on this host (btrfs, zfs, devmapper), and no CRI plugin (disabled in its config).
        let plugins = try ctr(a + ["plugins", "ls"])
        let pluginRows = tableRows(plugins)
        #expect(pluginRows.first { Array($0.prefix(2)) == ["io.containerd.snapshotter.v1", "overlayfs"] }?.last == "ok",
                "\(plugins)")
        #expect(pluginRows.contains { $0.first == "io.containerd.snapshotter.v1" && $0.last == "skip" },
                "containerd skips some snapshotters here:\n\(plugins)")
        #expect(!pluginRows.contains { Array($0.prefix(2)) == ["io.containerd.grpc.v1", "cri"] }, "\(plugins)")
        try ctr(a + ["ns", "create", "swift-made", "x=y"])
        #expect(tableRows(try ctr(a + ["namespaces", "ls"])).contains(["swift-made", "x=y"]))
        #expect(try outputLines(containerdClient(a + ["namespaces", "ls", "-q"])).contains("swift-made"))
        try containerd.stop()
    }
}

/// The rows of a table a `ls` command printed, header dropped, each split into its columns.
func tableRows(_ text: String) -> [[String]] {
    text.split(separator: "\n").dropFirst().map { $0.split(separator: " ").map(String.init) }
}

/// The lines of a command's output.
func outputLines(_ text: String) -> [String] {
    text.split(separator: "\n").map(String.init)
}
