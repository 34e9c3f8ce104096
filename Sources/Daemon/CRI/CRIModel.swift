import API
import Core
import FoundationEssentials
import SwiftProtobuf

/// What the CRI plugin keeps of a pod sandbox besides its config; stored as JSON in an extension
/// of the sandbox's containerd container (namespace `k8s.io`), so it survives restarts.
struct SandboxStatus: Codable, Sendable {
    enum Phase: String, Codable, Sendable { case ready, notReady }
    var name: String
    var phase: Phase
    var createdAt: Int64
    /// The pinned network namespace; empty with host networking.
    var netns: String
    var ips: [String]
    var runtimeHandler: String
    var pid: Int32
    /// The sandbox's own files (hostname, hosts, resolv.conf).
    var root: String
    /// The pod-level resources the kubelet last reported (UpdatePodSandboxResources), as CRI
    /// JSON; nil until it does.
    var overhead: String?
    var resources: String?
}

struct Sandbox: Sendable {
    var id: String
    var config: Runtime_V1_PodSandboxConfig
    var status: SandboxStatus
    /// The pod as a ListPodSandbox response item, encoded (kept current by `CRIService.Store`).
    var listEntry: [UInt8] = []

    var hostNetwork: Bool { config.linux.securityContext.namespaceOptions.network == .node }

    var state: Runtime_V1_PodSandboxState { status.phase == .ready ? .sandboxReady : .sandboxNotready }

    /// CRI list filters: an ID prefix and labels that must all match.
    func matches(id prefix: String, labels: [String: String]) -> Bool {
        (prefix.isEmpty || id.hasPrefix(prefix)) && labels.allSatisfy { config.labels[$0.key] == $0.value }
    }
    var logDirectory: String { config.logDirectory }
}

/// What the CRI plugin keeps of a container besides its config.
struct ContainerStatus: Codable, Sendable {
    enum Phase: String, Codable, Sendable { case created, running, exited }
    var name: String
    var sandboxID: String
    /// The image as the config named it, its ID (config digest) and a repo digest.
    var image: String
    var imageID: String
    var imageRef: String
    /// Absolute path of the CRI log file; empty for none.
    var logPath: String
    var phase: Phase
    var createdAt: Int64
    var startedAt: Int64 = 0
    var finishedAt: Int64 = 0
    var exitCode: Int32 = 0
    var pid: Int32 = 0
    var reason: String = ""
    var message: String = ""
}

struct CRIContainer: Sendable {
    var id: String
    var config: Runtime_V1_ContainerConfig
    var status: ContainerStatus
    /// The container as a ListContainers response item, encoded (kept current by `CRIService.Store`).
    var listEntry: [UInt8] = []

    /// CRI list filters: ID and pod ID prefixes and labels that must all match.
    func matches(id prefix: String, pod: String, labels: [String: String]) -> Bool {
        (prefix.isEmpty || id.hasPrefix(prefix)) && (pod.isEmpty || status.sandboxID.hasPrefix(pod))
            && labels.allSatisfy { config.labels[$0.key] == $0.value }
    }
}

/// Keys of the containerd container records the CRI plugin writes.
enum CRIRecord {
    static let kindLabel = "io.cri-containerd.kind"
    static let configExtension = "io.ctr.cri.config"
    static let statusExtension = "io.ctr.cri.status"

    static func encode<T: Encodable>(_ value: T) throws(CtrError) -> TypedValue {
        do {
            return TypedValue(typeURL: "ctr.cri.\(T.self)", value: Array(try JSONEncoder().encode(value)))
        } catch {
            throw .internalError("encode \(T.self): \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ value: TypedValue?) -> T? {
        guard let value else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(value.value))
    }

    static func message<M: SwiftProtobuf.Message>(_ message: M) throws(CtrError) -> TypedValue {
        do {
            return TypedValue(typeURL: M.protoMessageName, value: try message.serializedBytes())
        } catch {
            throw .internalError("encode \(M.protoMessageName): \(error)")
        }
    }

    static func message<M: SwiftProtobuf.Message>(_ type: M.Type, _ value: TypedValue?) -> M? {
        guard let value else { return nil }
        return try? M(serializedBytes: value.value)
    }
}
