import Core
@testable import Daemon
import Foundation
import Store
import Testing
import TestSupport

@Suite("Garbage collection")
struct GarbageCollectionTests {
    let directory = temporaryPath("ctr-gc")

    func put(_ store: ContentService, _ namespace: String, _ text: String, labels: [String: String] = [:],
             lease: String? = nil) throws -> Digest {
        let bytes = Array(text.utf8)
        let writer = try store.writer(namespace, ref: "ref-\(text)", total: 0, expected: nil)
        try writer.write(bytes)
        return try store.commit(namespace, writer, size: 0, expected: nil, labels: labels, lease: lease)
    }

    @Test("image targets, gc.root labels and leases keep content and what it references; the rest goes")
    func markAndSweep() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/c", withIntermediateDirectories: true)
        let metadata = try MetadataStore(path: directory + "/meta.db")
        let store = try ContentService(root: directory + "/c", metadata: metadata)

        let layer = try put(store, "ns", "layer")
        let config = try put(store, "ns", "config")
        let manifest = try put(store, "ns", "manifest", labels: [
            "containerd.io/gc.ref.content.config": config.description,
            "containerd.io/gc.ref.content.l.0": layer.description,
        ])
        let loose = try put(store, "ns", "loose")
        let rooted = try put(store, "ns", "rooted", labels: ["containerd.io/gc.root": "yes"])
        _ = try metadata.createLease("ns", Lease(id: "pull", createdAt: .now))
        let leased = try put(store, "ns", "leased", lease: "pull")
        _ = try metadata.createLease("ns", Lease(id: "old", createdAt: .now,
                                                 labels: ["containerd.io/gc.expire": "2020-01-01T00:00:00Z"]))
        try metadata.createImage("ns", Image(name: "img", target: Descriptor(
            mediaType: "application/vnd.oci.image.manifest.v1+json", digest: manifest, size: 8)))
        // The same loose blob, held in another namespace by a root label.
        let shared = try put(store, "other", "loose", labels: ["containerd.io/gc.root": "1"])
        #expect(shared == loose)

        let result = try store.collectGarbage()
        #expect(result.content == ["ns": [loose]])
        #expect(result.orphanBlobs.isEmpty, "the other namespace still holds the loose blob")
        #expect(result.expiredLeases == ["ns": ["old"]])
        let kept = Set(try store.list("ns", filters: []).map(\.digest))
        #expect(kept == [layer, config, manifest, rooted, leased])

        // Without the image and the lease, only the rooted blob stays.
        try metadata.deleteImage("ns", "img")
        try metadata.deleteLease("ns", "pull")
        let second = try store.collectGarbage()
        #expect(Set(second.content["ns"] ?? []) == [layer, config, manifest, leased])
        #expect(Set(second.orphanBlobs) == [layer, config, manifest, leased])
        for digest in [layer, config, manifest, leased] {
            #expect(!FileManager.default.fileExists(atPath: directory + "/c/blobs/sha256/" + digest.hex))
        }
        #expect(try store.list("ns", filters: []).map(\.digest) == [rooted])
    }

    @Test("RFC 3339 times", arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)), ("2020-01-01T00:00:00Z", Int64(1_577_836_800)),
        ("2020-01-01T01:00:00+01:00", Int64(1_577_836_800)), ("2024-02-29T12:30:15.5Z", Int64(1_709_209_815)),
    ])
    func rfc3339(text: String, seconds: Int64) {
        #expect(RFC3339.parse(text)?.seconds == seconds)
    }

    @Test("malformed RFC 3339 times are rejected", arguments: ["", "2020-01-01", "2020-13-01T00:00:00Z", "2020-01-01T00:00:00"])
    func rfc3339Invalid(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }
}

extension GarbageCollectionTests {
    @Test("RFC 3339 formatting: UTC, nine fraction digits, and it parses back", arguments: [
        (Int64(0), Int32(123), "1970-01-01T00:00:00.000000123Z"),
        (1_577_836_800, 0, "2020-01-01T00:00:00.000000000Z"),
        (1_709_209_815, 500_000_000, "2024-02-29T12:30:15.500000000Z"),
        (4_102_444_799, 999_999_999, "2099-12-31T23:59:59.999999999Z"),
        (-1, 0, "1969-12-31T23:59:59.000000000Z"),
    ])
    func rfc3339Format(seconds: Int64, nanos: Int32, text: String) {
        let timestamp = Timestamp(seconds: seconds, nanos: nanos)
        #expect(RFC3339.format(timestamp) == text)
        #expect(RFC3339.parse(text) == timestamp, "\(text)")
    }
}
