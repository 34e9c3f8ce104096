import API
import Core
import FoundationEssentials
import Glibc
import Runtime
import Snapshots

extension CRIService {
    func podSandboxStatus(_ sandbox: Sandbox) -> Runtime_V1_PodSandboxStatus {
        .with {
            $0.id = sandbox.id
            $0.metadata = sandbox.config.metadata
            $0.state = sandbox.state
            $0.createdAt = sandbox.status.createdAt
            if let first = sandbox.status.ips.first {
                $0.network.ip = first
                $0.network.additionalIps = sandbox.status.ips.dropFirst().map { ip in .with { $0.ip = ip } }
            }
            $0.linux.namespaces.options = sandbox.config.linux.securityContext.namespaceOptions
            $0.labels = sandbox.config.labels
            $0.annotations = sandbox.config.annotations
            $0.runtimeHandler = sandbox.status.runtimeHandler
        }
    }

    func podSandboxInfo(_ sandbox: Sandbox) -> String {
        JSONValue.object([
            ("pid", .integer(Int64(sandbox.status.pid))),
            ("processStatus", .string(sandbox.status.phase == .ready ? "running" : "stopped")),
            ("netNamespacePath", .string(sandbox.status.netns)),
            ("runtimeHandler", .string(sandbox.status.runtimeHandler)),
            ("sandboxRoot", .string(sandbox.status.root)),
            ("image", .string(config.sandboxImage)),
            ("snapshotter", .string(config.containerd.snapshotter)),
            ("snapshotKey", .string(sandbox.id)),
        ] + [("overhead", sandbox.status.overhead), ("resources", sandbox.status.resources)].compactMap { key, text in
            text.flatMap { try? JSONValue.parse($0) }.map { (key, $0) }
        }).serialized()
    }

    func containerStatus(_ container: CRIContainer) -> Runtime_V1_ContainerStatus {
        .with {
            $0.id = container.id
            $0.metadata = container.config.metadata
            $0.state = CRIWire.state(container.status.phase)
            $0.createdAt = container.status.createdAt
            $0.startedAt = container.status.startedAt
            $0.finishedAt = container.status.finishedAt
            $0.exitCode = container.status.exitCode
            $0.image = container.config.image
            $0.image.image = container.status.image
            $0.imageRef = container.status.imageRef
            $0.imageID = container.status.imageID
            $0.reason = container.status.reason
            $0.message = container.status.message
            $0.labels = container.config.labels
            $0.annotations = container.config.annotations
            $0.mounts = container.config.mounts
            $0.logPath = container.status.logPath
            $0.resources.linux = container.config.linux.resources
        }
    }

    func containerInfo(_ container: CRIContainer) -> String {
        let spec = (try? metadata.container(namespace, container.id).spec).flatMap { typed in
            try? JSONValue.parse(String(decoding: typed?.value ?? [], as: UTF8.self))
        }
        return JSONValue.object([
            ("sandboxID", .string(container.status.sandboxID)),
            ("pid", .integer(Int64(container.status.phase == .running ? container.status.pid : 0))),
            ("removing", .bool(false)),
            ("snapshotKey", .string(container.id)),
            ("snapshotter", .string(config.containerd.snapshotter)),
            ("runtimeType", .string("io.containerd.runc.v2")),
            ("runtimeSpec", spec ?? .null),
        ]).serialized()
    }
}
