import API
import Core
import GRPCCore
import Glibc

/// `runtime.v1.RuntimeService`. Methods not registered here answer UNIMPLEMENTED.
struct CRIRuntimeService: RegistrableRPCService {
    let config: CRIConfig
    let daemon: DaemonConfig

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        typealias Method = Runtime_V1_RuntimeService.Method
        router.unary(Method.Version.descriptor) { (request: Runtime_V1_VersionRequest, _) in version(request) }
        router.unary(Method.Status.descriptor) { (request: Runtime_V1_StatusRequest, _) in status(request) }
    }

    func version(_ request: Runtime_V1_VersionRequest) -> Runtime_V1_VersionResponse {
        .with {
            $0.version = "0.1.0" // the CRI Version API version, as kubelet expects
            $0.runtimeName = CtrVersion.runtimeName
            $0.runtimeVersion = CtrVersion.version
            $0.runtimeApiVersion = CtrVersion.criAPIVersion
        }
    }

    func status(_ request: Runtime_V1_StatusRequest) -> Runtime_V1_StatusResponse {
        let network = networkCondition()
        return .with {
            $0.status.conditions = [
                .with {
                    $0.type = "RuntimeReady"
                    $0.status = true
                },
                network,
            ]
            $0.runtimeHandlers = config.containerd.runtimes.keys.sorted().map { name in
                .with { $0.name = name }
            } + [.with { $0.name = "" }]
            if request.verbose {
                $0.info["config"] = configJSON().serialized()
            }
        }
    }

    /// NetworkReady holds once a CNI network config exists in `conf_dir`; checked on every call, so
    /// a config written later is picked up without a restart.
    func networkCondition() -> Runtime_V1_RuntimeCondition {
        let found = firstCNIConfig(in: config.cni.confDir)
        return .with {
            $0.type = "NetworkReady"
            $0.status = found != nil
            if found == nil {
                $0.reason = "NetworkPluginNotReady"
                $0.message = "Network plugin returns error: cni plugin not initialized: no network config found in \(config.cni.confDir)"
            }
        }
    }

    func configJSON() -> JSONValue {
        .object([
            ("sandboxImage", .string(config.sandboxImage)),
            ("cni", .object([
                ("binDir", .string(config.cni.binDir)),
                ("confDir", .string(config.cni.confDir)),
            ])),
            ("containerd", .object([
                ("snapshotter", .string(config.containerd.snapshotter)),
                ("defaultRuntimeName", .string(config.containerd.defaultRuntimeName)),
            ])),
            ("maxContainerLogLineSize", .integer(Int64(config.maxContainerLogLineSize))),
            ("restrictOOMScoreAdj", .bool(config.restrictOOMScoreAdj)),
            ("containerdRootDir", .string(daemon.root)),
            ("containerdEndpoint", .string(daemon.grpc.address)),
            ("rootDir", .string(daemon.root + "/" + CRIPlugin.uri)),
            ("stateDir", .string(daemon.state + "/" + CRIPlugin.uri)),
        ])
    }
}

/// The first file in `directory` (by name) that is a CNI config (`.conf`, `.conflist`, `.json`).
func firstCNIConfig(in directory: String) -> String? {
    guard let dir = opendir(directory) else { return nil }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name.hasSuffix(".conf") || name.hasSuffix(".conflist") || name.hasSuffix(".json") {
            names.append(name)
        }
    }
    return names.min().map { directory + "/" + $0 }
}
