import Core
import Foundation
import Testing
import TestSupport

/// Snapshotters, the Diff service and unpack: layers become committed snapshots named by chain
/// ID, through our services from our `ctr` and from containerd's; hostile layers stay inside.
@Suite("Snapshots", .timeLimit(.minutes(4)), .enabled(if: haveRegistryTools))
struct SnapshotTests {
    @Test("containerd's ctr pulls and unpacks through our Snapshots and Diff services; GC removes the snapshots with the image", .usesContainerd)
    func containerdPullUnpacks() throws {
        let registry = try LocalRegistry()
        try registry.pushBusybox("busybox", extraMB: 1)
        let dir = try TemporaryDirectory("ctr-snap")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        let reference = "\(registry.host)/busybox:latest"

        let pulled = try containerdClient(a + ["images", "pull", "--plain-http", reference])
        #expect(pulled.contains("unpacking linux/amd64"), "\(pulled)")
        let tree = try ctr(a + ["snapshots", "tree"])
        #expect(tree.contains("\\_ sha256:"), "two layers make a parent and a child: \(tree)")
        let keys = try ctr(a + ["snapshots", "ls", "-q"]).split(separator: "\n").map(String.init)
        #expect(keys.count == 2)
        // containerd's client sees the same.
        #expect(try containerdClient(a + ["snapshots", "ls"]).contains("Committed"))

        // The top snapshot, viewed and mounted, holds busybox.
        let top = try #require(try ctr(a + ["snapshots", "ls", "-q", "parent!=\"\""]).split(separator: "\n").first.map(String.init))
        try ctr(a + ["snapshots", "view", "v1", top])
        let mountPoint = dir.path + "/mnt"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mountCommand = try ctr(a + ["snapshots", "mounts", mountPoint, "v1"])
        #expect(try run("/bin/sh", ["-c", mountCommand]).status == 0, "\(mountCommand)")
        #expect(FileManager.default.isExecutableFile(atPath: mountPoint + "/bin/busybox"))
        #expect(try run("/bin/umount", [mountPoint]).status == 0)

        // A parent with children cannot go; removing the image collects the rest.
        let parent = try #require(keys.first { $0 != top })
        let refused = try run(ctrBinary, a + ["snapshots", "rm", parent])
        #expect(refused.status == 1 && refused.stderr.contains("has children"), "\(refused)")
        try ctr(a + ["snapshots", "rm", "v1"])
        try ctr(a + ["images", "rm", "--sync", reference])
        #expect(try ctr(a + ["snapshots", "ls", "-q"]).isEmpty)
        let backing = try FileManager.default.contentsOfDirectory(
            atPath: dir.path + "/root/io.containerd.snapshotter.v1.overlayfs/snapshots")
        #expect(backing.isEmpty, "snapshot directories left: \(backing)")
        try daemon.stop()
    }

    @Test("our import unpacks into overlayfs and native; snapshot commands prepare, commit, label and report usage", .usesContainerd)
    func importAndSnapshotCommands() throws {
        let dir = try TemporaryDirectory("ctr-snap2")
        defer { dir.remove() }
        let layout = dir.path + "/layout"
        #expect(try run("/bin/bash", [repositoryRoot + "/Tests/Fixtures/scripts/busybox-image.sh", layout, "v1"]).status == 0)
        let archive = dir.path + "/busybox.tar"
        #expect(try run("/usr/bin/skopeo", ["copy", "-q", "oci:\(layout):v1", "oci-archive:\(archive):v1"]).status == 0)
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]

        let imported = try ctr(a + ["images", "import", "--base-name", "example.com/busybox", archive])
        #expect(imported.contains("unpacking linux/amd64"), "\(imported)")
        let chain = try ctr(a + ["snapshots", "ls", "-q"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(chain.hasPrefix("sha256:"))
        let config = try ctr(a + ["content", "ls"]).split(separator: "\n")
            .first { $0.contains("containerd.io/gc.ref.snapshot.overlayfs=\(chain)") }
        #expect(config != nil, "the config blob holds the top snapshot for GC")

        // native: a full copy per snapshot, bind mounts.
        try ctr(a + ["-n", "nat", "images", "import", "--snapshotter", "native", "--base-name", "example.com/busybox", archive])
        let mounts = try ctr(a + ["-n", "nat", "snapshots", "--snapshotter", "native", "prepare", "--mounts", "work", chain])
        #expect(mounts.hasPrefix("mount -t bind "), "\(mounts)")
        let source = String(mounts.split(separator: " ")[3])
        #expect(FileManager.default.fileExists(atPath: source + "/bin/busybox"), "the parent's files are copied: \(source)")

        // prepare → write → commit → a child of it; usage and labels.
        let work = try ctr(a + ["snapshots", "prepare", "--mounts", "w1", chain])
        let upper = try #require(work.split(separator: ",").first { $0.hasPrefix("upperdir=") }?.dropFirst("upperdir=".count))
        try Data(count: 100_000).write(to: URL(fileURLWithPath: String(upper) + "/data"))
        let usage = try ctr(a + ["snapshots", "usage", "-b", "w1"])
        #expect(usage.contains("w1") && (usage.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }.max() ?? 0) >= 100_000,
                "\(usage)")
        // The Diff service turns the changes into a layer (containerd's ctr prints it).
        let layer = try run(containerdCtr, a + ["snapshots", "diff", "--media-type", "application/vnd.oci.image.layer.v1.tar", "w1"])
        #expect(layer.status == 0 && layer.stdout.contains("data") && !layer.stdout.contains("busybox"), "\(layer.stderr)")
        let nativeWork = String(mounts.split(separator: " ")[3])
        try Data("new".utf8).write(to: URL(fileURLWithPath: nativeWork + "/added"))
        try FileManager.default.removeItem(atPath: nativeWork + "/bin/busybox")
        let nativeLayer = try run(containerdCtr, a + ["-n", "nat", "snapshots", "--snapshotter", "native", "diff",
                                                      "--media-type", "application/vnd.oci.image.layer.v1.tar", "work"])
        #expect(nativeLayer.status == 0 && nativeLayer.stdout.contains("added") && nativeLayer.stdout.contains("bin/.wh.busybox"),
                "\(nativeLayer.stderr)")
        try ctr(a + ["snapshots", "commit", "layer-2", "w1"])
        #expect(try ctr(a + ["snapshots", "info", "layer-2"]).contains("\"Kind\": \"Committed\""))
        try ctr(a + ["snapshots", "label", "layer-2", "team=storage"])
        #expect(try ctr(a + ["snapshots", "label", "layer-2"]).contains("team=storage"))
        let busy = try run(ctrBinary, a + ["snapshots", "prepare", "w2", "missing-parent"])
        #expect(busy.status == 1 && busy.stderr.contains("parent snapshot \"missing-parent\": not found"), "\(busy)")
        try ctr(a + ["snapshots", "rm", "layer-2"])
        #expect(try ctr(a + ["snapshots", "ls", "-q"]).trimmingCharacters(in: .whitespacesAndNewlines) == chain)
        try daemon.stop()
    }

    @Test("hostile layers cannot create, change or delete anything outside the snapshot")
    func hostileLayers() throws {
        let dir = try TemporaryDirectory("ctr-hostile")
        defer { dir.remove() }
        let host = dir.path + "/host"
        try FileManager.default.createDirectory(atPath: host + "/victimdir", withIntermediateDirectories: true)
        try "original\n".write(toFile: host + "/victim", atomically: false, encoding: .utf8)
        FileManager.default.createFile(atPath: host + "/victimdir/keep", contents: nil)
        let fixtures = dir.path + "/fixtures"
        let made = try run("/usr/bin/python3", [repositoryRoot + "/Tests/Fixtures/scripts/hostile-layers.py", fixtures, host])
        #expect(made.status == 0, "\(made)")
        let hostMode = try FileManager.default.attributesOfItem(atPath: host)[.posixPermissions] as? Int
        let daemon = try DaemonProcess.ours(in: dir.path)

        struct Case: Decodable {
            var `case`: String
            var must_not_exist: [String]
        }
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: URL(fileURLWithPath: fixtures + "/cases.json")))
        #expect(cases.count >= 16)
        for item in cases {
            for namespace in ["overlay", "native"] {
                let result = try run(ctrBinary, ["--address", daemon.socket, "-n", namespace, "images", "import",
                                                 "--snapshotter", namespace == "overlay" ? "overlayfs" : "native",
                                                 fixtures + "/\(item.case).tar"])
                // Either refused with a message naming the layer, or unpacked with the path confined.
                #expect(result.status == 0 || result.stderr.contains("unpack docker.io/hostile/\(item.case):latest: layer sha256:"),
                        "\(item.case): \(result)")
                for path in item.must_not_exist {
                    var info = stat()
                    #expect(lstat(path, &info) != 0, "\(item.case) (\(namespace)) created \(path)")
                }
                #expect((try? String(contentsOfFile: host + "/victim", encoding: .utf8)) == "original\n", "\(item.case)")
                let attributes = try FileManager.default.attributesOfItem(atPath: host + "/victim")
                #expect(attributes[.referenceCount] as? Int == 1, "\(item.case) hardlinked the victim")
                #expect(FileManager.default.fileExists(atPath: host + "/victimdir/keep"), "\(item.case)")
                #expect(try FileManager.default.attributesOfItem(atPath: host)[.posixPermissions] as? Int == hostMode,
                        "\(item.case) changed the mode of \(host)")
            }
        }
        // Confined entries were logged with their reason.
        let log = try String(contentsOfFile: daemon.logPath, encoding: .utf8)
        #expect(log.contains("layer entry confined to the snapshot"))
        // Failed unpacks left no extraction snapshot behind.
        #expect(!(try ctr(["--address", daemon.socket, "-n", "overlay", "snapshots", "ls", "-q"])).contains("extract-"))
        try daemon.stop()
    }
}
