public import Core
import Crypto

/// Import of OCI archives (`oci-layout` + `index.json`) and Docker archives (`manifest.json`),
/// written once against the content protocols. Returns the images to record.
public struct ImageImport: Sendable {
    public let store: any ContentIngester
    public let baseName: String?
    /// Per-blob events (present, bytes stored, stored), as a pull reports them.
    public let progress: @Sendable (PullEvent) -> Void

    public init(store: any ContentIngester, baseName: String? = nil,
                progress: @escaping @Sendable (PullEvent) -> Void = { _ in }) {
        self.store = store
        self.baseName = baseName
        self.progress = progress
    }

    public func run(_ archive: TarReader) async throws -> [Image] {
        if let index = archive.entry("index.json") {
            return try await importOCI(archive, index)
        }
        if let manifest = archive.entry("manifest.json") {
            return try await importDocker(archive, manifest)
        }
        throw CtrError.invalidArgument("archive \(archive.path): neither an OCI archive (index.json) nor a Docker archive (manifest.json)")
    }

    /// The name an index entry is imported under.
    func name(_ annotations: [String: String], archive: String) throws -> String {
        if let name = annotations["io.containerd.image.name"] { return try Reference(parsing: name).description }
        guard let refName = annotations["org.opencontainers.image.ref.name"] else {
            throw CtrError.invalidArgument("archive \(archive): an index entry has no image name; use --base-name")
        }
        if refName.contains("/") || refName.contains(":") { return try Reference(parsing: refName).description }
        if let baseName { return try Reference(parsing: baseName + ":" + refName).description }
        return try Reference(parsing: refName).description
    }

    private func importOCI(_ archive: TarReader, _ indexEntry: TarEntry) async throws -> [Image] {
        let index = try JSONValue.parse(String(decoding: try archive.read(indexEntry), as: UTF8.self))
        guard case .array(let manifests)? = index["manifests"] else {
            throw CtrError.invalidArgument("archive \(archive.path): index.json has no manifests")
        }
        var images: [Image] = []
        for entry in manifests {
            let descriptor = try ArchiveDescriptor.parse(entry, archive: archive.path)
            var annotations: [String: String] = [:]
            if case .object(let members)? = entry["annotations"] {
                for (key, value) in members { if case .string(let text) = value { annotations[key] = text } }
            }
            try await importTree(archive, descriptor)
            images.append(Image(name: try name(annotations, archive: archive.path), target: descriptor))
        }
        return images
    }

    /// Stores a manifest tree from the archive, children first, parents labelled with their GC refs.
    private func importTree(_ archive: TarReader, _ descriptor: Descriptor) async throws {
        guard let entry = archive.entry("blobs/\(descriptor.digest.algorithm)/\(descriptor.digest.hex)") else {
            throw CtrError.notFound("archive \(archive.path): blob \(descriptor.digest) is missing")
        }
        var labels: [String: String] = [:]
        if MediaType.isIndex(descriptor.mediaType) || MediaType.isManifest(descriptor.mediaType) {
            let document = try JSONValue.parse(String(decoding: try archive.read(entry), as: UTF8.self))
            if case .array(let children)? = document["manifests"] {
                var index = 0
                for child in children {
                    let descriptor = try ArchiveDescriptor.parse(child, archive: archive.path)
                    // Archives may carry only some platforms of an index.
                    guard archive.entry("blobs/\(descriptor.digest.algorithm)/\(descriptor.digest.hex)") != nil else { continue }
                    try await importTree(archive, descriptor)
                    labels["containerd.io/gc.ref.content.m.\(index)"] = descriptor.digest.description
                    index += 1
                }
            }
            if let config = document["config"] {
                let descriptor = try ArchiveDescriptor.parse(config, archive: archive.path)
                try await importBlob(archive, descriptor)
                labels["containerd.io/gc.ref.content.config"] = descriptor.digest.description
            }
            if case .array(let layers)? = document["layers"] {
                for (index, layer) in layers.enumerated() {
                    let descriptor = try ArchiveDescriptor.parse(layer, archive: archive.path)
                    try await importBlob(archive, descriptor)
                    labels["containerd.io/gc.ref.content.l.\(index)"] = descriptor.digest.description
                }
            }
        }
        try await importBlob(archive, descriptor, labels: labels)
    }

    private func importBlob(_ archive: TarReader, _ descriptor: Descriptor, labels: [String: String] = [:]) async throws {
        let path = "blobs/\(descriptor.digest.algorithm)/\(descriptor.digest.hex)"
        guard let entry = archive.entry(path) else {
            throw CtrError.notFound("archive \(archive.path): blob \(descriptor.digest) is missing")
        }
        try await put(descriptor, labels: labels, from: archive, entry)
    }

    /// Stores one archive entry as `descriptor` unless the store has it, reporting progress.
    private func put(_ descriptor: Descriptor, labels: [String: String] = [:], from archive: TarReader, _ entry: TarEntry)
        async throws
    {
        if try await store.has(descriptor) {
            progress(.present(descriptor))
            return
        }
        let progress = self.progress
        try await store.ingest(descriptor, labels: labels) { write in
            var total: Int64 = 0
            try await archive.stream(entry) { chunk in
                try await write(chunk)
                total += Int64(chunk.count)
                progress(.progress(descriptor, bytes: total))
            }
        }
        progress(.stored(descriptor))
    }

    /// Stores bytes made here (a Docker archive's config, its generated manifest).
    private func put(_ descriptor: Descriptor, labels: [String: String] = [:], bytes: [UInt8]) async throws {
        if try await store.has(descriptor) {
            progress(.present(descriptor))
            return
        }
        try await store.ingest(descriptor, labels: labels) { write in try await write(bytes) }
        progress(.stored(descriptor))
    }

    /// Docker's `docker save` layout: the manifest is built here (schema 2), as containerd does.
    private func importDocker(_ archive: TarReader, _ manifestEntry: TarEntry) async throws -> [Image] {
        let document = try JSONValue.parse(String(decoding: try archive.read(manifestEntry), as: UTF8.self))
        guard case .array(let items) = document else {
            throw CtrError.invalidArgument("archive \(archive.path): manifest.json is not a list")
        }
        var images: [Image] = []
        for item in items {
            guard case .string(let configPath)? = item["Config"], let configEntry = archive.entry(configPath),
                  case .array(let layerPaths)? = item["Layers"]
            else { throw CtrError.invalidArgument("archive \(archive.path): malformed manifest.json entry") }
            let configBytes = try archive.read(configEntry)
            let config = Descriptor(mediaType: "application/vnd.docker.container.image.v1+json",
                                    digest: Core.Digest(sha256Hex: hexEncoded(SHA256.hash(data: configBytes))), size: Int64(configBytes.count))
            try await put(config, bytes: configBytes)
            var layers: [Descriptor] = []
            for case .string(let layerPath) in layerPaths {
                guard let entry = archive.entry(layerPath) else {
                    throw CtrError.notFound("archive \(archive.path): layer \(layerPath) is missing")
                }
                var hasher = SHA256()
                var head: [UInt8] = []
                try await archive.stream(entry) { chunk in
                    if head.count < 2 { head += chunk.prefix(2 - head.count) }
                    hasher.update(data: chunk)
                }
                let gzip = head == [0x1f, 0x8b]
                let layer = Descriptor(
                    mediaType: gzip ? "application/vnd.docker.image.rootfs.diff.tar.gzip" : "application/vnd.docker.image.rootfs.diff.tar",
                    digest: Core.Digest(sha256Hex: hexEncoded(hasher.finalize())), size: entry.size)
                try await put(layer, from: archive, entry)
                layers.append(layer)
            }
            let manifestJSON = JSONValue.object([
                ("schemaVersion", .integer(2)),
                ("mediaType", .string(MediaType.dockerManifest)),
                ("config", ArchiveDescriptor.json(config)),
                ("layers", .array(layers.map(ArchiveDescriptor.json))),
            ]).serialized(indent: 0)
            let manifestBytes = Array(manifestJSON.utf8)
            let manifest = Descriptor(mediaType: MediaType.dockerManifest,
                                      digest: Core.Digest(sha256Hex: hexEncoded(SHA256.hash(data: manifestBytes))), size: Int64(manifestBytes.count))
            var labels = ["containerd.io/gc.ref.content.config": config.digest.description]
            for (index, layer) in layers.enumerated() { labels["containerd.io/gc.ref.content.l.\(index)"] = layer.digest.description }
            try await put(manifest, labels: labels, bytes: manifestBytes)
            if case .array(let tags)? = item["RepoTags"] {
                for case .string(let tag) in tags {
                    images.append(Image(name: try Reference(parsing: tag).description, target: manifest))
                }
            }
        }
        return images
    }
}

/// Export as an OCI archive that also carries Docker's `manifest.json`, so both `ctr images
/// import` and `docker load`-style readers (skopeo's docker-archive) accept it.
public struct ImageExport: Sendable {
    public let content: any ContentReader
    public let platforms: PlatformMatcher

    public init(content: any ContentReader, platforms: PlatformMatcher = PlatformMatcher()) {
        self.content = content
        self.platforms = platforms
    }

    public func run(_ images: [Image], to writer: TarWriter) async throws {
        var written: Set<Core.Digest> = []
        var dockerEntries: [JSONValue] = []
        try writer.add("oci-layout", bytes: Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
        var indexEntries: [JSONValue] = []
        for image in images {
            let manifest = try await writeTree(image.target, writer, &written)
            let reference = try Reference(parsing: image.name)
            indexEntries.append(.object([
                ("mediaType", .string(image.target.mediaType)),
                ("digest", .string(image.target.digest.description)),
                ("size", .integer(image.target.size)),
                ("annotations", .object([
                    ("io.containerd.image.name", .string(image.name)),
                    ("org.opencontainers.image.ref.name", .string(reference.tag ?? reference.object)),
                ])),
            ]))
            if let (config, layers) = manifest {
                dockerEntries.append(.object([
                    ("Config", .string("blobs/sha256/\(config.digest.hex)")),
                    ("RepoTags", .array(reference.tag == nil ? [] : [.string(image.name)])),
                    ("Layers", .array(layers.map { .string("blobs/sha256/\($0.digest.hex)") })),
                ]))
            }
        }
        let index = JSONValue.object([("schemaVersion", .integer(2)), ("mediaType", .string(MediaType.ociIndex)),
                                      ("manifests", .array(indexEntries))])
        try writer.add("index.json", bytes: Array(index.serialized(indent: 0).utf8))
        try writer.add("manifest.json", bytes: Array(JSONValue.array(dockerEntries).serialized(indent: 0).utf8))
        try writer.finish()
    }

    /// Writes a tree's blobs (once each); returns the config and layers of the platform manifest
    /// Docker's manifest.json can describe.
    private func writeTree(_ descriptor: Descriptor, _ writer: TarWriter, _ written: inout Set<Core.Digest>) async throws
        -> (Descriptor, [Descriptor])?
    {
        var result: (Descriptor, [Descriptor])?
        if MediaType.isIndex(descriptor.mediaType) || MediaType.isManifest(descriptor.mediaType) {
            let document = try JSONValue.parse(String(decoding: try await content.read(descriptor), as: UTF8.self))
            if case .array(let children)? = document["manifests"] {
                for child in children where platforms.matches(child) {
                    let found = try await writeTree(try ArchiveDescriptor.parse(child, archive: "index"), writer, &written)
                    if result == nil { result = found }
                }
            }
            if let configJSON = document["config"] {
                let config = try ArchiveDescriptor.parse(configJSON, archive: "manifest")
                var layers: [Descriptor] = []
                if case .array(let entries)? = document["layers"] {
                    for entry in entries { layers.append(try ArchiveDescriptor.parse(entry, archive: "manifest")) }
                }
                for blob in [config] + layers { try await writeBlob(blob, writer, &written) }
                result = (config, layers)
            }
        }
        try await writeBlob(descriptor, writer, &written)
        return result
    }

    private func writeBlob(_ descriptor: Descriptor, _ writer: TarWriter, _ written: inout Set<Core.Digest>) async throws {
        guard written.insert(descriptor.digest).inserted else { return }
        try writer.begin("blobs/sha256/\(descriptor.digest.hex)", size: descriptor.size)
        try await content.stream(descriptor) { bytes in try writer.write(bytes) }
        try writer.end(size: descriptor.size)
    }
}

enum ArchiveDescriptor {
    static func parse(_ entry: JSONValue, archive: String) throws(CtrError) -> Descriptor {
        guard case .string(let mediaType)? = entry["mediaType"], case .string(let digest)? = entry["digest"],
              case .integer(let size)? = entry["size"], size >= 0
        else { throw .invalidArgument("archive \(archive): malformed descriptor") }
        return Descriptor(mediaType: mediaType, digest: try Core.Digest(parsing: digest), size: size)
    }

    static func json(_ descriptor: Descriptor) -> JSONValue {
        .object([("mediaType", .string(descriptor.mediaType)), ("digest", .string(descriptor.digest.description)),
                 ("size", .integer(descriptor.size))])
    }
}

