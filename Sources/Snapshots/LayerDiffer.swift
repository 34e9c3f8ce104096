public import Core
import Glibc

/// Applies layer blobs onto snapshot mounts, as containerd's walking differ does: straight into
/// the upper directory of an overlay (with overlay whiteouts) or the source of a bind mount, and
/// through a temporary mount otherwise.
public struct LayerDiffer: Sendable {
    /// Where temporary mount points go.
    public let scratch: String

    public init(scratch: String) {
        self.scratch = scratch
    }

    /// Applies the layer blob at `blobPath` described by `layer` onto `mounts`.
    public func apply(_ layer: Descriptor, blobPath: String, mounts: [Mount]) throws(CtrError) -> ApplyResult {
        let compression = try LayerCompression(mediaType: layer.mediaType)
        let fd = open(blobPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .notFound("layer \(layer.digest): blob not readable: \(Errno.current)") }
        defer { close(fd) }
        let name = "layer \(layer.digest)"
        if mounts.count == 1, mounts[0].type == "overlay", let upper = mounts[0].option("upperdir") {
            let lowers = mounts[0].option("lowerdir")?.split(separator: ":").map(String.init) ?? []
            return try LayerApplier.apply(fd: fd, compression: compression, name: name, root: upper,
                                          mode: .overlay(parents: lowers))
        }
        if mounts.count == 1, mounts[0].type == "bind" || mounts[0].options.contains("bind") || mounts[0].options.contains("rbind") {
            if mounts[0].isReadOnly {
                throw .invalidArgument("apply \(name): the mount \(mounts[0].source) is read-only")
            }
            return try LayerApplier.apply(fd: fd, compression: compression, name: name, root: mounts[0].source, mode: .delete)
        }
        guard !mounts.isEmpty else { throw .invalidArgument("apply \(name): no mounts given") }
        return try Mounter.withTemporaryMount(mounts, base: scratch) { (root) throws(CtrError) in
            try LayerApplier.apply(fd: fd, compression: compression, name: name, root: root, mode: .delete)
        }
    }
}
