import Core
import Foundation
import Testing
import TestSupport

/// `ctr images import` and `export`: OCI and Docker archives, checked against skopeo and
/// Debian containerd's `ctr`.
@Suite("Archives", .timeLimit(.minutes(3)), .enabled(if: haveRegistryTools))
struct ArchiveTests {
    @Test("export reads as OCI and Docker archives and imports into containerd; our import round-trips", .usesContainerd)
    func exportImport() throws {
        let registry = try LocalRegistry()
        let manifest = try registry.pushBusybox("busybox", extraMB: 1)
        let dir = try TemporaryDirectory("ctr-arch")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        let reference = "\(registry.host)/busybox:latest"
        try ctr(a + ["images", "pull", "-q", reference])

        let archive = dir.path + "/busybox.tar"
        try ctr(a + ["images", "export", archive, reference])
        let oci = try run("/usr/bin/skopeo", ["inspect", "oci-archive:" + archive])
        #expect(oci.status == 0 && oci.stdout.contains("\"Digest\": \"\(manifest)\""), "\(oci)")
        let docker = try run("/usr/bin/skopeo", ["inspect", "docker-archive:" + archive])
        #expect(docker.status == 0, "\(docker)")

        // Into another namespace of ours: same name, same digest.
        let copied = try ctr(a + ["-n", "copy", "images", "import", archive])
        #expect(copied.contains("\n\(reference): \(manifest)\n") && copied.contains("done    layer-sha256:"), "\(copied)")
        // On a terminal the import redraws its progress in place.
        let command = ([ctrBinary] + a + ["-n", "tty", "images", "import", "--no-unpack", archive]).joined(separator: " ")
        let tty = try run("/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(tty.status == 0 && tty.stdout.contains("\u{1B}[2K") && tty.stdout.contains("elapsed:"), "\(tty.stdout)")
        #expect(try ctr(a + ["-n", "copy", "content", "ls", "-q"]).split(separator: "\n").count == 4)

        // Into a real containerd, with its own client.
        let cdDir = try TemporaryDirectory("ctr-arcd")
        defer { cdDir.remove() }
        let containerd = try DaemonProcess.containerd(in: cdDir.path)
        try containerdClient(["--address", containerd.socket, "images", "import", "--no-unpack", archive])
        let listed = try containerdClient(["--address", containerd.socket, "images", "ls"])
        #expect(listed.contains(reference) && listed.contains(manifest), "\(listed)")
        try containerd.stop()
        try daemon.stop()
    }

    @Test("skopeo-made OCI and Docker archives import with their digests; broken archives fail clearly")
    func importSkopeoArchives() throws {
        let dir = try TemporaryDirectory("ctr-imp")
        defer { dir.remove() }
        let layout = dir.path + "/layout"
        let built = try run("/bin/bash", [repositoryRoot + "/Tests/Fixtures/scripts/busybox-image.sh", layout, "v1"])
        #expect(built.status == 0)
        let manifest = built.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let ociArchive = dir.path + "/oci.tar"
        let dockerArchive = dir.path + "/docker.tar"
        #expect(try run("/usr/bin/skopeo", ["copy", "-q", "oci:\(layout):v1", "oci-archive:\(ociArchive):v1"]).status == 0)
        #expect(try run("/usr/bin/skopeo", ["copy", "-q", "oci:\(layout):v1",
                                            "docker-archive:\(dockerArchive):example.com/team/busybox:v1"]).status == 0)
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]

        #expect(try ctr(a + ["images", "import", "--base-name", "example.com/team/busybox", ociArchive])
                .contains("example.com/team/busybox:v1: \(manifest)\n"))
        // Docker archives carry uncompressed layers; their digests are the layers' diff IDs.
        let imported = try ctr(a + ["-n", "docker", "images", "import", dockerArchive])
        #expect(imported.contains("\nexample.com/team/busybox:v1: sha256:"), "\(imported)")
        let config = try run("/usr/bin/skopeo", ["inspect", "--config", "docker-archive:" + dockerArchive])
        #expect(config.status == 0, "\(config)")
        let parsed = try JSONSerialization.jsonObject(with: config.stdoutBytes) as? [String: Any]
        let rootfs = parsed?["rootfs"] as? [String: Any]
        let diffIDs = try #require(rootfs?["diff_ids"] as? [String], "skopeo's config has rootfs.diff_ids: \(config)")
        #expect(!diffIDs.isEmpty)
        let layers = Set(try ctr(a + ["-n", "docker", "content", "ls", "-q"]).split(separator: "\n").map(String.init))
        for diffID in diffIDs {
            #expect(layers.contains(diffID), "the layer blob's digest is the config's diff ID \(diffID): \(layers)")
        }

        let garbage = dir.path + "/garbage.tar"
        try Data("not a tar file at all, clearly".utf8).write(to: URL(fileURLWithPath: garbage))
        let bad = try run(ctrBinary, a + ["images", "import", garbage])
        #expect(bad.status == 1 && bad.stderr.hasPrefix("ctr: archive \(garbage)"), "\(bad)")
        try daemon.stop()
    }

    @Test("an image whose layer holds a 271-byte file name imports, unpacks and exports with that layer")
    func longFileNames() throws {
        let dir = try TemporaryDirectory("ctr-long")
        defer { dir.remove() }
        let layout = dir.path + "/layout"
        #expect(try run("/bin/bash", [repositoryRoot + "/Tests/Fixtures/scripts/busybox-image.sh", layout, "v1"]).status == 0)
        // Too long for the ustar prefix: umoci (Go's archive/tar) writes it as a PAX path.
        let longName = String(repeating: "d", count: 120) + "/" + String(repeating: "f", count: 150)
        let script = """
            set -e
            umoci unpack --rootless --image "$1:v1" "$2/bundle" >/dev/null
            mkdir -p "$2/bundle/rootfs/$(dirname "$3")"
            echo long > "$2/bundle/rootfs/$3"
            umoci repack --image "$1:v1" "$2/bundle" >/dev/null
            skopeo copy -q "oci:$1:v1" "oci-archive:$2/in.tar:v1"
            """
        let made = try run("/bin/bash", ["-c", script, "fixture", layout, dir.path, longName])
        #expect(made.status == 0, "\(made)")
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        let imported = try run(ctrBinary, a + ["images", "import", "--base-name", "example.com/long", dir.path + "/in.tar"])
        #expect(imported.status == 0 && !imported.stderr.contains("not unpacked"), "\(imported)")
        let out = dir.path + "/out.tar"
        try ctr(a + ["images", "export", out, "example.com/long:v1"])
        let inspected = try run("/usr/bin/skopeo", ["inspect", "oci-archive:" + out])
        #expect(inspected.status == 0, "\(inspected)")
        let list = """
            set -e
            mkdir "$1/x" && tar -xf "$1/out.tar" -C "$1/x"
            for blob in "$1"/x/blobs/sha256/*; do tar -tzf "$blob" 2>/dev/null || true; done
            """
        let listed = try run("/bin/bash", ["-c", list, "list", dir.path])
        #expect(listed.stdout.contains(longName + "\n"), "\(listed)")
        try daemon.stop()
    }
}
