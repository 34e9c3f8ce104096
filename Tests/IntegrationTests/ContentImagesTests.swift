import Core
import Foundation
import Testing
import TestSupport

/// The Content, Images and Leases services of `ctr daemon`, driven by Debian containerd's `ctr`
/// (its client-side fetch writes through our Content Write stream) and by ours.
@Suite("Content and images", .timeLimit(.minutes(3)), .enabled(if: haveRegistryTools))
struct ContentImagesTests {
    @Test("containerd's ctr fetches from a registry into our daemon; both clients read it back", .usesContainerd)
    func containerdFetchIntoOurs() throws {
        let registry = try LocalRegistry()
        let manifest = try registry.pushBusybox("busybox", extraMB: 2)
        let dir = try TemporaryDirectory("ctr-fetch")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        let reference = "\(registry.host)/busybox:latest"

        try containerdClient(a + ["content", "fetch", "--plain-http", reference])

        // The image record points at the manifest the registry serves.
        let images = try containerdClient(a + ["images", "ls"])
        #expect(images.contains(reference) && images.contains(manifest), "\(images)")
        let ours = try ctr(a + ["images", "ls"])
        #expect(ours.contains(reference) && ours.contains(manifest) && ours.contains("linux/amd64"), "\(ours)")

        // Manifest, config and two layers are in the store, with the GC reference labels containerd sets.
        let digests = try containerdClient(a + ["content", "ls", "-q"]).split(separator: "\n").map(String.init)
        #expect(digests.count == 4, "\(digests)")
        #expect(Set(try ctr(a + ["content", "ls", "-q"]).split(separator: "\n").map(String.init)) == Set(digests))
        let listed = try ctr(a + ["content", "ls"])
        #expect(listed.contains("containerd.io/gc.ref.content.config="), "\(listed)")

        // Every blob (manifest, config, gzip layers) comes back through our Read stream byte for
        // byte, to both clients: the bytes each prints hash to the blob's digest.
        for digest in digests {
            for client in [ctrBinary, containerdCtr] {
                let blob = try run(client, a + ["content", "get", digest])
                #expect(blob.status == 0, "\(client): \(blob.stderr)")
                #expect(blob.stdoutBytes.count > 0)
                #expect("sha256:" + sha256(blob.stdoutBytes) == digest, "\(client) content get \(digest)")
            }
        }
        // A second fetch finds everything present and changes nothing.
        try containerdClient(a + ["content", "fetch", "--plain-http", reference])
        #expect(try containerdClient(a + ["content", "ls", "-q"]).split(separator: "\n").count == 4)
        #expect(try ctr(a + ["leases", "ls", "-q"]).isEmpty, "the fetch's lease is released")

        // Removing the image with --sync collects its manifest, config and layers at once.
        try ctr(a + ["images", "rm", "--sync", reference])
        #expect(try ctr(a + ["content", "ls", "-q"]).isEmpty)
        let blobs = try FileManager.default.contentsOfDirectory(
            atPath: dir.path + "/root/io.containerd.content.v1.content/blobs/sha256")
        #expect(blobs.isEmpty, "\(blobs)")
        try daemon.stop()
    }

    @Test("tag, label, remove images; content lifecycle errors name the object", .usesContainerd)
    func imageAndContentCommands() throws {
        let registry = try LocalRegistry()
        try registry.pushBusybox("tools")
        let dir = try TemporaryDirectory("ctr-img")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket, "--namespace", "team"]
        let reference = "\(registry.host)/tools:latest"
        try containerdClient(["--address", daemon.socket, "--namespace", "team", "content", "fetch", "--plain-http", reference])

        #expect(try ctr(a + ["images", "tag", reference, "tools:v1", "tools:v2"]) == "tools:v1\ntools:v2\n")
        #expect(try ctr(a + ["images", "ls", "-q"]) == "\(reference)\ntools:v1\ntools:v2\n")
        let exists = try run(ctrBinary, a + ["images", "tag", reference, "tools:v1"])
        #expect(exists.status == 1 && exists.stderr == "ctr: image \"tools:v1\": already exists\n")
        try ctr(a + ["images", "tag", "--force", reference, "tools:v1"])
        #expect(try ctr(a + ["images", "label", "tools:v1", "team=infra"]) == "team=infra\n")
        #expect(try ctr(a + ["images", "ls", "name==tools:v1", "-o", "json"]).contains("\"team\": \"infra\""))
        #expect(try ctr(a + ["images", "rm", "tools:v1", "tools:v2"]) == "tools:v1\ntools:v2\n")
        let missing = try run(ctrBinary, a + ["images", "rm", "tools:v9"])
        #expect(missing.status == 1 && missing.stderr.contains("image \"tools:v9\": not found"))

        // The images live in namespace "team" only, and the namespace cannot go while they do.
        #expect(try ctr(["--address", daemon.socket, "images", "ls", "-q"]).isEmpty)
        // Asked for in another namespace, an image's absence says where it is.
        let elsewhere = try run(ctrBinary, ["--address", daemon.socket, "images", "tag", reference, "other:v1"])
        #expect(elsewhere.status == 1 && elsewhere.stderr.contains(
            "not found in namespace \"default\"; namespace \"team\" has it (use -n team)"), "\(elsewhere)")
        let busy = try run(ctrBinary, ["--address", daemon.socket, "ns", "rm", "team"])
        #expect(busy.status == 1 && busy.stderr.contains("namespace \"team\" must be empty"), "\(busy)")

        let digest = try ctr(a + ["content", "ls", "-q"]).split(separator: "\n").first.map(String.init) ?? ""
        #expect(try ctr(a + ["content", "label", digest, "mark=1"]).contains("mark=1"))
        let bad = try run(ctrBinary, a + ["content", "get", "sha256:nothex"])
        #expect(bad.status != 0 && bad.stderr.contains("invalid digest"))
        let absent = try run(ctrBinary, a + ["content", "get", "sha256:" + String(repeating: "0", count: 64)])
        #expect(absent.status == 1 && absent.stderr.contains("not found"), "\(absent)")

        let lease = try ctr(a + ["leases", "create", "--id", "hold-1", "purpose=test"])
        #expect(lease == "hold-1\n")
        #expect(try ctr(a + ["leases", "ls"]).contains("purpose=test"))
        try ctr(a + ["leases", "rm", "hold-1"])
        try daemon.stop()
    }
}

/// Hex SHA-256 via Debian's sha256sum (keeps the test independent of our hashing code).
func sha256(_ data: Data) -> String {
    let path = NSTemporaryDirectory() + "ctr-hash-\(UUID().uuidString)"
    FileManager.default.createFile(atPath: path, contents: data)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let output = (try? run("/usr/bin/sha256sum", [path]))?.stdout ?? ""
    return String(output.prefix(64))
}

extension ContentImagesTests {
    @Test("ctr content ingest stores stdin with its checks; ctr content fetch records an image without unpacking", .usesContainerd)
    func contentIngestAndFetch() throws {
        let registry = try LocalRegistry()
        let manifest = try registry.pushBusybox("fetched")
        let dir = try TemporaryDirectory("ctr-ingest")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        let blob = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try blob.write(to: URL(fileURLWithPath: dir.path + "/blob"))
        let digest = "sha256:" + sha256(blob)
        func ingest(_ flags: String) throws -> Output {
            try run("/bin/sh", ["-c", "\(ctrBinary) --address \(daemon.socket) content ingest \(flags) < \(dir.path)/blob"])
        }

        let stored = try ingest("--expected-size 300000 --label containerd.io/gc.root=test first")
        #expect(stored.status == 0 && stored.stdout == digest + "\n", "\(stored)")
        let readBack = try run("/bin/sh", ["-c", "\(ctrBinary) --address \(daemon.socket) content get \(digest) | sha256sum"])
        #expect(readBack.stdout.hasPrefix(digest.dropFirst(7) + " "), "\(readBack)")
        #expect(try ctr(a + ["content", "ls"]).contains("containerd.io/gc.root=test"))
        #expect(try containerdClient(a + ["content", "ls", "-q"]) == digest + "\n")

        let zero = "sha256:" + String(repeating: "0", count: 64)
        let wrongDigest = try ingest("--expected-digest \(zero) second")
        #expect(wrongDigest.status == 1)
        #expect(wrongDigest.stderr == "ctr: commit second: unexpected commit digest \(digest), expected \(zero)\n",
                "\(wrongDigest.stderr)")
        let wrongSize = try ingest("--expected-size 12 third")
        #expect(wrongSize.status == 1 && wrongSize.stderr.contains("unexpected commit size 300000, expected 12"),
                "\(wrongSize.stderr)")
        let active = try ctr(a + ["content", "active"])
        #expect(!active.contains("second") && !active.contains("third"), "failed ingests are aborted: \(active)")

        let reference = "\(registry.host)/fetched:latest"
        #expect(try ctr(a + ["content", "fetch", "-q", reference]) == manifest + "\n")
        #expect(try ctr(a + ["images", "ls", "-q"]) == reference + "\n")
        let listed = try ctr(a + ["content", "ls", "-q"]).split(separator: "\n").map(String.init)
        #expect(listed.count == 4 && listed.contains(manifest) && listed.contains(digest),
                "the blob, then the image's manifest, config and layer: \(listed)")
        #expect(try ctr(a + ["snapshots", "ls", "-q"]).isEmpty, "fetch does not unpack")
        try daemon.stop()
    }
}
