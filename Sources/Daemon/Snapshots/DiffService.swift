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
}
