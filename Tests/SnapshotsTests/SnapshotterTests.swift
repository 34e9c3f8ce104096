import Core
@testable import Daemon
import Foundation
import Snapshots
import Store
import Testing
import TestSupport

/// The overlayfs and native snapshotters' bookkeeping, and garbage collection of snapshots.
@Suite("Snapshotters")
struct SnapshotterTests {
    let directory = temporaryPath("ctr-snapshotter")

    @Test("overlayfs mounts: bind for a base layer, overlay with parents nearest first, read-only views")
    func overlayMounts() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let metadata = try MetadataStore(path: directory + "/meta.db")
        let snapshotter = try LocalSnapshotter(driver: .overlayfs, root: directory + "/overlay", metadata: metadata)
        let base = try snapshotter.prepare("ns", key: "a", parent: "", labels: [:], lease: nil)
        #expect(base.count == 1 && base[0].type == "bind" && base[0].options.contains("rw"))
        try snapshotter.commit("ns", name: "A", key: "a", labels: [:], lease: nil)
        _ = try snapshotter.prepare("ns", key: "b", parent: "A", labels: [:], lease: nil)
        try snapshotter.commit("ns", name: "B", key: "b", labels: [:], lease: nil)
        let active = try snapshotter.prepare("ns", key: "c", parent: "B", labels: [:], lease: nil)
        let lower = try #require(active.first?.option("lowerdir")).split(separator: ":")
        #expect(active.first?.type == "overlay" && lower.count == 2 && lower[0].hasSuffix("/2/fs") && lower[1].hasSuffix("/1/fs"))
        let view = try snapshotter.view("ns", key: "v", parent: "A", labels: [:], lease: nil)
        #expect(view.first?.type == "bind" && view.first?.isReadOnly == true)

        #expect(throws: CtrError.self) { try snapshotter.mounts("ns", key: "A") }
        #expect(throws: CtrError.self) { try snapshotter.remove("ns", key: "A") }
        #expect(throws: CtrError.self) { _ = try snapshotter.prepare("ns", key: "c", parent: "B", labels: [:], lease: nil) }
        #expect(throws: CtrError.self) { _ = try snapshotter.prepare("ns", key: "x", parent: "c", labels: [:], lease: nil) }
        #expect(try snapshotter.list("other").isEmpty, "namespaces do not see each other's snapshots")

        // A directory left by a crash is cleaned up on the next start.
        try FileManager.default.createDirectory(atPath: directory + "/overlay/snapshots/999/fs", withIntermediateDirectories: true)
        _ = try LocalSnapshotter(driver: .overlayfs, root: directory + "/overlay", metadata: metadata)
        #expect(!FileManager.default.fileExists(atPath: directory + "/overlay/snapshots/999"))
        #expect(FileManager.default.fileExists(atPath: directory + "/overlay/snapshots/3/fs"))
    }

    @Test("garbage collection keeps snapshots held by content labels, containers, leases and gc.root, with their parents")
    func collection() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/c", withIntermediateDirectories: true)
        let metadata = try MetadataStore(path: directory + "/meta.db")
        let content = try ContentService(root: directory + "/c", metadata: metadata)
        let snapshotter = try LocalSnapshotter(driver: .native, root: directory + "/native", metadata: metadata)
        content.registerSnapshotBackend("native") { snapshotter.removeBackend($0) }
        func chain(_ prefix: String) throws {
            _ = try snapshotter.prepare("ns", key: prefix + "-1", parent: "", labels: [:], lease: nil)
            try snapshotter.commit("ns", name: prefix + "-base", key: prefix + "-1", labels: [:], lease: nil)
            _ = try snapshotter.prepare("ns", key: prefix + "-2", parent: prefix + "-base", labels: [:], lease: nil)
            try snapshotter.commit("ns", name: prefix + "-top", key: prefix + "-2", labels: [:], lease: nil)
        }
        try chain("image")
        try chain("loose")
        // An image whose config points at image-top.
        let writer = try content.writer("ns", ref: "config", total: 0, expected: nil)
        try writer.write(Array("config".utf8))
        let config = try content.commit("ns", writer, size: 0, expected: nil,
                                        labels: ["containerd.io/gc.ref.snapshot.native": "image-top"], lease: nil)
        try metadata.createImage("ns", Image(name: "img", target: Descriptor(
            mediaType: "application/vnd.oci.image.config.v1+json", digest: config, size: 6)))
        _ = try snapshotter.prepare("ns", key: "container-rootfs", parent: "image-top", labels: [:], lease: nil)
        try metadata.createContainer("ns", Container(id: "c1", runtime: .init(name: "io.containerd.runc.v2"),
                                                     spec: TypedValue(typeURL: "types.containerd.io/opencontainers/runtime-spec/1/Spec", value: []),
                                                     snapshotter: "native", snapshotKey: "container-rootfs"))
        _ = try metadata.createLease("ns", Lease(id: "work", createdAt: .now))
        _ = try snapshotter.prepare("ns", key: "leased", parent: "", labels: [:], lease: "work")
        _ = try snapshotter.prepare("ns", key: "rooted", parent: "", labels: ["containerd.io/gc.root": "x"], lease: nil)

        let result = try content.collectGarbage()
        #expect(Set(result.snapshots.map(\.key)) == ["loose-top", "loose-base"])
        #expect(Set(try snapshotter.list("ns").map(\.name))
                == ["image-base", "image-top", "container-rootfs", "leased", "rooted"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/native/snapshots").count == 5)

        try metadata.deleteContainer("ns", "c1")
        try metadata.deleteImage("ns", "img")
        try metadata.deleteLease("ns", "work")
        try content.collectGarbage()
        #expect(try snapshotter.list("ns").map(\.name) == ["rooted"])
    }
}
