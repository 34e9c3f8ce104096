import API
import Core
import GRPCCore
import Snapshots

extension PluginType {
    public static let snapshotter = PluginType("io.containerd.snapshotter.v1")
    public static let differ = PluginType("io.containerd.differ.v1")
}

/// `io.containerd.snapshotter.v1.overlayfs` and `.native`.
struct SnapshotterPlugin: PluginInstance {
    let snapshotter: LocalSnapshotter
    var exports: [String: String] { ["root": snapshotter.root] }

    static func registration(_ driver: LocalSnapshotter.Driver) -> PluginRegistration {
        PluginRegistration(type: .snapshotter, id: driver.rawValue, requires: [ContentPlugin.type]) { context in
            if driver == .overlayfs {
                let filesystems = readTextFile("/proc/filesystems") ?? ""
                guard filesystems.split(separator: "\n").contains(where: { $0.hasSuffix("\toverlay") }) else {
                    throw PluginSkip("the kernel does not support overlayfs")
                }
            }
            let metadata = try context.plugin(.metadata, as: MetadataPlugin.self).store
            let content = try context.plugin(ContentPlugin.type, as: ContentPlugin.self).service
            let snapshotter = try LocalSnapshotter(driver: driver, root: context.root, metadata: metadata)
            content.registerSnapshotBackend(driver.rawValue) { id in snapshotter.removeBackend(id) }
            return SnapshotterPlugin(snapshotter: snapshotter)
        }
    }
}

/// `io.containerd.differ.v1.walking`: applies layers from the content store onto snapshot mounts.
struct DifferPlugin: PluginInstance {
    let differ: LocalDiffService

    static let registration = PluginRegistration(type: .differ, id: "walking", requires: [ContentPlugin.type]) { context in
        let content = try context.plugin(ContentPlugin.type, as: ContentPlugin.self).service
        try makeDirectories(context.state, mode: 0o700)
        return DifferPlugin(differ: LocalDiffService(content: content, differ: LayerDiffer(scratch: context.state),
                                                     logger: context.logger))
    }
}
