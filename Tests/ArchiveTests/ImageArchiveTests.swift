import Archive
import Core
import Foundation
import Synchronization
import Testing
import TestSupport

/// A content store in memory, verifying what it ingests as the daemon's store does.
final class MemoryContent: ContentIngester, ContentReader {
    let blobs = Mutex<[Digest: [UInt8]]>([:])
    /// The labels each blob was ingested with (the garbage collector's references among them).
    let labels = Mutex<[Digest: [String: String]]>([:])

    func has(_ descriptor: Descriptor) async throws -> Bool { blobs.withLock { $0[descriptor.digest] != nil } }

    func ingest(_ descriptor: Descriptor, labels: [String: String],
                _ produce: @escaping @Sendable (@escaping @Sendable ([UInt8]) async throws -> Void) async throws -> Void)
        async throws
    {
        let received = Mutex<[UInt8]>([])
        try await produce { chunk in received.withLock { $0 += chunk } }
        let bytes = received.withLock { $0 }
        guard SHA256Digest.of(bytes) == descriptor.digest, Int64(bytes.count) == descriptor.size else {
            throw CtrError.failedPrecondition("blob \(descriptor.digest): content does not match its descriptor")
        }
        blobs.withLock { $0[descriptor.digest] = bytes }
        self.labels.withLock { $0[descriptor.digest] = labels }
    }

    func read(_ descriptor: Descriptor) async throws -> [UInt8] {
        guard let bytes = blobs.withLock({ $0[descriptor.digest] }) else {
            throw CtrError.notFound("content \(descriptor.digest) not found")
        }
        return bytes
    }

    func stream(_ descriptor: Descriptor, _ body: @escaping @Sendable ([UInt8]) async throws -> Void) async throws {
        try await body(try await read(descriptor))
    }

    /// Stores `bytes` and returns their descriptor.
    func add(_ bytes: [UInt8], _ mediaType: String) -> Descriptor {
        let digest = SHA256Digest.of(bytes)
        blobs.withLock { $0[digest] = bytes }
        return Descriptor(mediaType: mediaType, digest: digest, size: Int64(bytes.count))
    }
}

/// Image archives: what `ctr images export` writes, `ctr images import` reads back.
@Suite("Image archives")
struct ImageArchiveTests {
    /// A one-layer linux/amd64 image in `store`, named `name`.
    func image(in store: MemoryContent, name: String, layer: [UInt8]) -> Image {
        let layerDescriptor = store.add(layer, "application/vnd.oci.image.layer.v1.tar")
        let config = store.add(Array("""
            {"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["\(layerDescriptor.digest)"]}}
            """.utf8), "application/vnd.oci.image.config.v1+json")
        let manifest = store.add(Array("""
            {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)",
             "config":{"mediaType":"\(config.mediaType)","digest":"\(config.digest)","size":\(config.size)},
             "layers":[{"mediaType":"\(layerDescriptor.mediaType)","digest":"\(layerDescriptor.digest)","size":\(layerDescriptor.size)}]}
            """.utf8), MediaType.ociManifest)
        return Image(name: name, target: manifest)
    }

    func export(_ images: [Image], from store: MemoryContent, to path: String) async throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TestFailure("open \(path)") }
        defer { close(fd) }
        try await ImageExport(content: store).run(images, to: TarWriter(fd: fd, path: path))
    }

    @Test("an exported archive imports into another store: the same names, targets and bytes")
    func roundTrip() async throws {
        let directory = try TemporaryDirectory("ctr-archive")
        defer { directory.remove() }
        let source = MemoryContent()
        let images = [
            image(in: source, name: "registry.example/team/app:v1", layer: Array("first layer".utf8)),
            image(in: source, name: "registry.example/team/app:v2", layer: Array("second layer".utf8)),
        ]
        let path = directory.path + "/images.tar"
        try await export(images, from: source, to: path)

        let target = MemoryContent()
        let imported = try await ImageImport(store: target).run(try TarReader(path: path))
        #expect(imported.map(\.name) == images.map(\.name))
        #expect(imported.map(\.target.digest) == images.map(\.target.digest))
        #expect(source.blobs.withLock { $0 } == target.blobs.withLock { $0 })
        // The manifest holds its config and layer for the garbage collector, or they would go.
        let manifest = try await target.read(images[0].target)
        let document = try JSONValue.parse(String(decoding: manifest, as: UTF8.self))
        let labels = target.labels.withLock { $0[images[0].target.digest] } ?? [:]
        #expect(labels["containerd.io/gc.ref.content.config"] == document["config"]?["digest"]?.stringValue, "\(labels)")
        if case .array(let layers)? = document["layers"] {
            #expect(labels["containerd.io/gc.ref.content.l.0"] == layers.first?["digest"]?.stringValue, "\(labels)")
        }
        // The archive names its images for Docker too.
        let archive = try TarReader(path: path)
        let manifestJSON = try #require(archive.entry("manifest.json"))
        let docker = String(decoding: try archive.read(manifestJSON), as: UTF8.self)
        #expect(docker.contains(#""RepoTags":["registry.example/team/app:v1"]"#), "\(docker)")
    }

    @Test("an archive that lacks a blob its manifest names fails, naming the archive and the blob")
    func missingBlob() async throws {
        let directory = try TemporaryDirectory("ctr-archive")
        defer { directory.remove() }
        let source = MemoryContent()
        let app = image(in: source, name: "registry.example/app:v1", layer: Array("the layer".utf8))
        let layer = SHA256Digest.of(Array("the layer".utf8))
        let path = directory.path + "/partial.tar"
        try await export([app], from: source, to: path)
        let deleted = try run("/bin/tar", ["--delete", "-f", path, "blobs/sha256/\(layer.hex)"])
        #expect(deleted.status == 0, "\(deleted)")

        let error = await #expect(throws: CtrError.self) {
            try await ImageImport(store: MemoryContent()).run(try TarReader(path: path))
        }
        #expect(error?.message == "archive \(path): blob \(layer) is missing", "\(String(describing: error))")
    }

    @Test("a tar that is no image archive is refused, naming it")
    func notAnArchive() async throws {
        let directory = try TemporaryDirectory("ctr-archive")
        defer { directory.remove() }
        let path = directory.path + "/other.tar"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let writer = TarWriter(fd: fd, path: path)
        try writer.add("hello.txt", bytes: Array("hi".utf8))
        try writer.finish()
        close(fd)
        let error = await #expect(throws: CtrError.self) { try await ImageImport(store: MemoryContent()).run(try TarReader(path: path)) }
        #expect(error?.message.contains(path) == true && error?.message.contains("index.json") == true,
                "\(String(describing: error))")
    }
}
