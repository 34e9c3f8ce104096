import Foundation
import Testing
import TestSupport

/// The daemon's root on a small filesystem made for the test (tmpfs): what fills it must fail
/// with a clear error, keep nothing partial, and lose nothing that was stored.
@Suite("Full disk", .serialized, .timeLimit(.minutes(4)), .enabled(if: haveRegistryTools && haveRunc && getuid() == 0))
struct DiskFullTests {
    /// Bytes used on the filesystem at `path`.
    func used(_ path: String) throws -> Int {
        let output = try run("/bin/df", ["-B1", "--output=used", path])
        return Int(output.stdout.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? -1
    }

    @Test("a pull that fills the disk fails in one line naming the space and the blob, keeps no partial blob and the database intact; an unpack that fills it at run leaves no snapshot; reads go on; freed space lets both complete")
    func fullDisk() throws {
        let registry = try LocalRegistry()
        _ = try registry.pushBusybox("small")
        _ = try registry.pushBusybox("big", extraMB: 24)
        // A layer of zeros: a few KiB fetched, 24 MiB unpacked.
        _ = try registry.pushBusybox("zeros", extraMB: 24, zeroFilled: true)
        let dir = try TemporaryDirectory("ctr-full")
        defer { dir.remove() }
        let root = dir.path + "/root", state = dir.path + "/state"
        for (path, size) in [(root, "16m"), (state, "4m")] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let mounted = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size),mode=0711", "tmpfs", path])
            #expect(mounted.status == 0, "\(mounted)")
        }
        defer {
            cleanUpRuntime(dir.path)
            for path in [root, state] { _ = try? run("/bin/umount", ["-l", path]) }
        }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]

        try ctr(a + ["images", "pull", "--quiet", "\(registry.host)/small:latest"])
        let snapshotsBefore = try ctr(a + ["snapshots", "ls"])
        let contentBefore = try ctr(a + ["content", "ls", "-q"])
        let usedBefore = try used(root)

        // The fetch runs out of space: one line, naming the space and a blob.
        let big = try run(ctrBinary, a + ["images", "pull", "--quiet", "\(registry.host)/big:latest"])
        #expect(big.status != 0)
        let lines = big.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(big.stderr)")
        #expect(big.stderr.contains("no space left on device") && big.stderr.contains("sha256:"), "\(big.stderr)")
        // Nothing partial is kept: no ingest, no new blob, the space is back.
        let ingest = root + "/io.containerd.content.v1.content/ingest"
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: ingest)) ?? []).isEmpty)
        // Blobs of the image fetched whole before the disk filled may stay until garbage
        // collection takes them (the pull's lease is gone), as containerd's do; each is complete.
        let blobs = root + "/io.containerd.content.v1.content/blobs/sha256"
        for name in try FileManager.default.contentsOfDirectory(atPath: blobs) {
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: blobs + "/" + name)) else { continue }
            #expect(sha256(data) == name, "blob \(name) is complete")
        }
        _ = contentBefore
        let usedAfter = try used(root)
        #expect(usedAfter < usedBefore + (1 << 20), "space used before \(usedBefore), after \(usedAfter)")
        // The database is intact and reads go on.
        #expect(try ctr(a + ["images", "ls", "-q"]).trimmed == "\(registry.host)/small:latest")
        #expect(try ctr(a + ["version"]).contains("Server:"))

        // Fetched whole, but unpacking at run time fills the disk: no snapshot and no container left.
        try ctr(a + ["content", "fetch", "\(registry.host)/zeros:latest"])
        let run1 = try run(ctrBinary, a + ["run", "\(registry.host)/zeros:latest", "filler", "/bin/true"])
        #expect(run1.status != 0)
        #expect(run1.stderr.contains("no space left on device"), "\(run1.stderr)")
        // Layers that unpacked whole stay committed, as containerd keeps them; nothing active or
        // half-extracted is left.
        let snapshotsAfter = try ctr(a + ["snapshots", "ls"])
        let added = snapshotsAfter.split(separator: "\n").filter { !snapshotsBefore.contains($0) }
        #expect(added.allSatisfy { $0.hasSuffix("Committed") && !$0.contains("extract-") },
                "\(snapshotsAfter)")
        #expect(try ctr(a + ["containers", "ls", "-q"]).isEmpty)

        // Space freed: the same pull and the same run complete.
        #expect(try run("/bin/mount", ["-o", "remount,size=256m", root]).status == 0)
        try ctr(a + ["images", "pull", "--quiet", "\(registry.host)/big:latest"])
        let run2 = try run(ctrBinary, a + ["run", "--rm", "\(registry.host)/zeros:latest", "filler", "/bin/true"])
        #expect(run2.status == 0, "\(run2)")
        _ = try daemon.stop()
    }
}
