/// Unpack, written once against the protocols: for the wanted platform's manifest, apply each
/// layer onto a snapshot prepared from the previous layer's chain ID and commit it under its own
/// chain ID, skipping layers whose snapshot already exists. The config blob is then labelled so
/// garbage collection keeps the top snapshot while the image exists.
public struct ImageUnpack: Sendable {
    public enum Event: Sendable {
        case extracting(Descriptor)
        case extracted(Descriptor, diffID: Digest)
        case present(Descriptor)
    }

    let content: any ContentReader
    let labeler: any ContentLabeler
    let snapshotter: any Snapshotter
    let snapshotterName: String
    let differ: any Differ
    let platforms: PlatformMatcher
    let progress: @Sendable (Event) -> Void

    public init(content: any ContentReader, labeler: any ContentLabeler, snapshotter: any Snapshotter,
                snapshotterName: String, differ: any Differ, platforms: PlatformMatcher = PlatformMatcher(),
                progress: @escaping @Sendable (Event) -> Void = { _ in }) {
        self.content = content
        self.labeler = labeler
        self.snapshotter = snapshotter
        self.snapshotterName = snapshotterName
        self.differ = differ
        self.platforms = platforms
        self.progress = progress
    }

    /// Unpacks the image whose target is `target` and returns the chain ID of its top snapshot.
    @discardableResult
    public func run(_ image: String, target: Descriptor) async throws -> Digest {
        let resolved = try await ResolvedImage.resolve(image, target: target, content: content, platforms: platforms)
        let chain = ChainID.compute(resolved.diffIDs)
        for (index, layer) in resolved.layers.enumerated() {
            try await unpackLayer(image, layer, diffID: resolved.diffIDs[index], chainID: chain[index],
                                  parent: index > 0 ? chain[index - 1].description : "")
        }
        let top = resolved.chainID
        var labels = try await labeler.labels(resolved.config.digest)
        let key = WellKnownLabels.gcRefSnapshot + snapshotterName
        if labels[key] != top.description {
            labels[key] = top.description
            try await labeler.setLabels(resolved.config.digest, labels)
        }
        return top
    }

    private func unpackLayer(_ image: String, _ layer: Descriptor, diffID: Digest, chainID: Digest,
                             parent: String) async throws {
        if (try? await snapshotter.stat(chainID.description)) != nil {
            progress(.present(layer))
            return
        }
        progress(.extracting(layer))
        let key = "extract-\(Timestamp.now.unixNanos)-\(chainID.hex.prefix(12)) \(chainID)"
        let mounts = try await snapshotter.prepare(key, parent: parent, labels: [:])
        do {
            let applied = try await differ.apply(layer, mounts: mounts)
            guard applied.digest == diffID else {
                throw CtrError.invalidArgument(
                    "unpack \(image): layer \(layer.digest) unpacked to \(applied.digest), but the config says \(diffID)")
            }
            do {
                try await snapshotter.commit(chainID.description, key: key, labels: [:])
            } catch where CtrError.is(error, .alreadyExists) {
                // Another unpack committed the same layer first: ours is redundant.
                try? await snapshotter.remove(key)
            }
        } catch {
            try? await snapshotter.remove(key)
            if let failure = error as? CtrError, !failure.message.hasPrefix("unpack ") {
                throw CtrError(failure.code, "unpack \(image): layer \(layer.digest): \(failure.message)")
            }
            throw error
        }
        progress(.extracted(layer, diffID: diffID))
    }

    static func descriptor(_ entry: JSONValue, _ image: String) throws(CtrError) -> Descriptor {
        try Descriptor(json: entry, context: "unpack \(image)")
    }
}

/// An image resolved for one platform: its manifest, config and layers.
public struct ResolvedImage: Sendable {
    public var manifest: Descriptor
    public var config: Descriptor
    /// The image config document (with `config`, `rootfs`, `history`).
    public var configDocument: JSONValue
    public var layers: [Descriptor]
    public var diffIDs: [Digest]

    public init(manifest: Descriptor, config: Descriptor, configDocument: JSONValue, layers: [Descriptor],
                diffIDs: [Digest]) {
        self.manifest = manifest
        self.config = config
        self.configDocument = configDocument
        self.layers = layers
        self.diffIDs = diffIDs
    }

    /// The chain ID of the top layer: the name of the image's committed snapshot.
    public var chainID: Digest { ChainID.compute(diffIDs).last ?? diffIDs[0] }

    /// The process defaults (`Entrypoint`, `Cmd`, `Env`, `WorkingDir`, `User`).
    public var runConfig: JSONValue? { configDocument["config"] }

    public static func resolve(_ image: String, target: Descriptor, content: any ContentReader,
                               platforms: PlatformMatcher) async throws -> ResolvedImage {
        let manifest = try await resolveManifest(image, target, content: content, platforms: platforms)
        let document = try JSONValue.parse(String(decoding: try await content.read(manifest), as: UTF8.self))
        guard let configEntry = document["config"] else {
            throw CtrError.invalidArgument("image \(image): manifest \(manifest.digest) has no config")
        }
        let config = try ImageUnpack.descriptor(configEntry, image)
        var layers: [Descriptor] = []
        if case .array(let entries)? = document["layers"] {
            for entry in entries { layers.append(try ImageUnpack.descriptor(entry, image)) }
        }
        let configDocument = try JSONValue.parse(String(decoding: try await content.read(config), as: UTF8.self))
        var diffIDs: [Digest] = []
        if case .array(let entries)? = configDocument["rootfs"]?["diff_ids"] {
            for entry in entries {
                guard case .string(let text) = entry else { continue }
                diffIDs.append(try Digest(parsing: text))
            }
        }
        guard diffIDs.count == layers.count, !layers.isEmpty else {
            throw CtrError.invalidArgument(
                "image \(image): config \(config.digest) lists \(diffIDs.count) diff IDs for \(layers.count) layers")
        }
        return ResolvedImage(manifest: manifest, config: config, configDocument: configDocument, layers: layers,
                             diffIDs: diffIDs)
    }

    /// The manifest for the wanted platform: the target itself, or the first match in an index.
    static func resolveManifest(_ image: String, _ target: Descriptor, content: any ContentReader,
                                platforms: PlatformMatcher) async throws -> Descriptor {
        if MediaType.isManifest(target.mediaType) { return target }
        guard MediaType.isIndex(target.mediaType) else {
            throw CtrError.invalidArgument("image \(image): unsupported media type \"\(target.mediaType)\"")
        }
        let document = try JSONValue.parse(String(decoding: try await content.read(target), as: UTF8.self))
        if case .array(let manifests)? = document["manifests"] {
            for entry in manifests where platforms.matches(entry) {
                return try await resolveManifest(image, try ImageUnpack.descriptor(entry, image), content: content,
                                                 platforms: platforms)
            }
        }
        throw CtrError.notFound("image \(image): no manifest for platform \(platforms.platforms.joined(separator: ", "))")
    }
}
