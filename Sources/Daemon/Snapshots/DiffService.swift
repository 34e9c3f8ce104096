public import Core
import Logging
import Snapshots

/// The in-process differ: applies a layer blob from the content store onto snapshot mounts.
public final class LocalDiffService: Sendable {
    let content: ContentService
    let differ: LayerDiffer
    let logger: Logger

    init(content: ContentService, differ: LayerDiffer, logger: Logger) {
        self.content = content
        self.differ = differ
        self.logger = logger
    }

    /// Applies `layer` (a blob the namespace has) and returns the uncompressed tar's descriptor.
    public func apply(_ namespace: String, _ layer: Descriptor, mounts: [Mount]) throws(CtrError) -> Descriptor {
        let path = try content.blobPath(namespace, layer.digest)
        let result = try differ.apply(layer, blobPath: path, mounts: mounts)
        for warning in result.warnings {
            logger.warning("layer entry confined to the snapshot", metadata: [
                "layer": "\(layer.digest)", "reason": "\(warning)",
            ])
        }
        return Descriptor(mediaType: "application/vnd.oci.image.layer.v1.tar", digest: result.diffID, size: result.size)
    }

    /// Computes the layer that turns `lower` into `upper` and stores it as content.
    /// A lease, when given, holds the new blob (containerd's clients diff under a lease and read
    /// the blob afterwards).
    public func diff(_ namespace: String, lower: [Mount], upper: [Mount], mediaType: String, ref: String,
                     labels: [String: String], lease: String? = nil) throws(CtrError) -> Descriptor {
        let type = mediaType.isEmpty ? "application/vnd.oci.image.layer.v1.tar+gzip" : mediaType
        let gzip: Bool
        switch type {
        case "application/vnd.oci.image.layer.v1.tar", "application/vnd.docker.image.rootfs.diff.tar": gzip = false
        case "application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.docker.image.rootfs.diff.tar.gzip": gzip = true
        default: throw .invalidArgument("diff: unsupported media type \"\(type)\"")
        }
        let writer = try content.writer(namespace, ref: ref.isEmpty ? "diff-\(Timestamp.now.unixNanos)" : ref,
                                        total: 0, expected: nil)
        let result: LayerDiff.Result
        if upper.count == 1, upper[0].type == "overlay", let upperDirectory = upper[0].option("upperdir") {
            result = try LayerDiff.write(.overlayUpper(upperDirectory), gzip: gzip) { (bytes) throws(CtrError) in
                try writer.write(bytes)
            }
        } else {
            result = try Mounter.withTemporaryMount(upper, base: differ.scratch) { (upperRoot) throws(CtrError) in
                if lower.isEmpty {
                    return try LayerDiff.write(.trees(lower: nil, upper: upperRoot), gzip: gzip) { (bytes) throws(CtrError) in
                        try writer.write(bytes)
                    }
                }
                return try Mounter.withTemporaryMount(lower, base: differ.scratch) { (lowerRoot) throws(CtrError) in
                    try LayerDiff.write(.trees(lower: lowerRoot, upper: upperRoot), gzip: gzip) { (bytes) throws(CtrError) in
                        try writer.write(bytes)
                    }
                }
            }
        }
        var all = labels
        all[WellKnownLabels.uncompressed] = result.diffID.description
        let (digest, _) = try writer.commit(size: 0, expected: nil)
        // The same layer computed before is fine: that content is the answer.
        try content.metadata.recordContent(namespace, digest: digest, size: writer.offset, labels: all, lease: lease)
        return Descriptor(mediaType: type, digest: digest, size: try content.info(namespace, digest).size)
    }
}
