import API
import Core
import GRPCCore
import SwiftProtobuf
import Glibc

/// `containerd.services.introspection.v1.Introspection`: the plugin list with each plugin's status,
/// and the server's stable UUID.
struct IntrospectionGRPC: Containerd_Services_Introspection_V1_Introspection.SimpleServiceProtocol {
    let board: PluginStatusBoard
    let uuid: String

    func plugins(request: Containerd_Services_Introspection_V1_PluginsRequest, context: ServerContext) async throws
        -> Containerd_Services_Introspection_V1_PluginsResponse
    {
        let filters = try Filter.parseAll(request.filters)
        let matching = board.all.filter { status in
            Filter.any(filters) { path in Self.field(status, path) }
        }
        return .with { $0.plugins = matching.map(Self.message) }
    }

    func server(request: Google_Protobuf_Empty, context: ServerContext) async throws
        -> Containerd_Services_Introspection_V1_ServerResponse
    {
        .with { $0.uuid = uuid }
    }

    /// The fields filters may name: `type`, `id`, `capabilities` (any), `exports.<key>`.
    static func field(_ status: PluginStatus, _ path: [String]) -> String? {
        switch path.first {
        case "type": return status.type.rawValue
        case "id": return status.id
        case "capabilities": return status.capabilities.joined(separator: ",")
        case "exports": return path.count == 2 ? status.exports[path[1]] : nil
        default: return nil
        }
    }

    static func message(_ status: PluginStatus) -> Containerd_Services_Introspection_V1_Plugin {
        .with {
            $0.type = status.type.rawValue
            $0.id = status.id
            $0.requires = status.requires.map(\.rawValue)
            $0.exports = status.exports
            $0.capabilities = status.capabilities
            switch status.state {
            case .ok:
                break
            case .skipped(let reason):
                $0.initErr = .with {
                    $0.code = Int32(RPCError.Code.unknown.rawValue)
                    $0.message = PluginSkip(reason).description
                }
            case .failed(let error):
                $0.initErr = .with {
                    $0.code = Int32(RPCError.Code.unknown.rawValue)
                    $0.message = error
                }
            }
        }
    }
}

struct IntrospectionPlugin: PluginInstance {
    var serviceNames: [String] { [Containerd_Services_Introspection_V1_Introspection.descriptor.fullyQualifiedService] }
    let service: IntrospectionGRPC
    var rpcServices: [any RegistrableRPCService] { [service] }

    static let registration = PluginRegistration(type: .grpc, id: "introspection") { context in
        let uuid = try loadOrCreateUUID(at: context.root + "/uuid")
        return IntrospectionPlugin(service: IntrospectionGRPC(board: context.statuses, uuid: uuid))
    }
}

/// The daemon's UUID, created once and kept under the plugin's root.
func loadOrCreateUUID(at path: String) throws(CtrError) -> String {
    if let text = readTextFile(path) {
        let trimmed = text.filter { !$0.isWhitespace }
        if trimmed.count == 36 { return trimmed }
    }
    guard let random = readTextFile("/proc/sys/kernel/random/uuid") else {
        throw .internalError("generate server uuid: cannot read /proc/sys/kernel/random/uuid")
    }
    let uuid = random.filter { !$0.isWhitespace }
    try writeFileAtomically(path, Array((uuid + "\n").utf8))
    return uuid
}
