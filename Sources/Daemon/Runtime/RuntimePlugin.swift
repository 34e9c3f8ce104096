import API
import Core
import GRPCCore

extension PluginType {
    public static let runtime = PluginType("io.containerd.runtime.v2")
}

/// `io.containerd.runtime.v2.task`: tasks under runc, one `ctr shim` each.
struct RuntimePlugin: PluginInstance {
    let tasks: TaskService
    var exports: [String: String] { ["state": tasks.state, "cgroups": CgroupHierarchy.host.layout.rawValue] }

    static let registration = PluginRegistration(type: .runtime, id: "task", requires: [.metadata]) { context in
        let metadata = try context.plugin(.metadata, as: MetadataPlugin.self).store
        // The layout is the host's, read once here; everything after uses the same answer.
        context.logger.info("cgroup layout detected", metadata: ["cgroups": "\(CgroupHierarchy.host.layout.rawValue)"])
        return RuntimePlugin(tasks: try TaskService(metadata: metadata, state: context.state, runtime: "runc",
                                                    events: context.events, logger: context.logger))
    }
}
