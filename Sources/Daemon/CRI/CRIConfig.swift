public import Core
public import TOML

/// `[plugins."io.containerd.grpc.v1.cri"]`: the keys of containerd's CRI section that ctr honours.
public struct CRIConfig: PluginConfig, Equatable {
    public var sandboxImage = "registry.k8s.io/pause:3.6"
    public var maxContainerLogLineSize = 16 * 1024
    public var restrictOOMScoreAdj = true
    /// The seccomp profile of a pod or container that names none (`runtime/default`,
    /// `localhost/<path>`, …); empty: unconfined, as containerd.
    public var unsetSeccompProfile = ""
    public var streamServerAddress = "127.0.0.1"
    public var streamServerPort = "0"
    /// Streaming sessions with no traffic for this long are closed (a Go duration, as containerd's).
    public var streamIdleTimeout = "4h"
    public var enableTLSStreaming = false
    /// `x509_key_pair_streaming`: the stream server's PEM certificate and key; both empty: a
    /// self-signed pair is made at start.
    public var tlsCertFile = ""
    public var tlsKeyFile = ""
    public var cni = CNI()
    public var containerd = Containerd()
    public var registryConfigPath = ""

    public struct CNI: Sendable, Equatable {
        public var binDir = "/usr/lib/cni"
        public var confDir = "/etc/cni/net.d"
        public var maxConfNum = 1
    }

    public struct Runtime: Sendable, Equatable {
        public var runtimeType = "io.containerd.runc.v2"
        public var binaryName = "runc"
        public var systemdCgroup = false
    }

    public struct Containerd: Sendable, Equatable {
        public var snapshotter = "overlayfs"
        public var defaultRuntimeName = "runc"
        public var runtimes: [String: Runtime] = ["runc": Runtime()]
    }

    public init() {}

    public mutating func decode(_ reader: ConfigReader) throws(CtrError) {
        sandboxImage = try reader.string("sandbox_image") ?? sandboxImage
        maxContainerLogLineSize = try reader.int("max_container_log_line_size") ?? maxContainerLogLineSize
        restrictOOMScoreAdj = try reader.bool("restrict_oom_score_adj") ?? restrictOOMScoreAdj
        unsetSeccompProfile = try reader.string("unset_seccomp_profile") ?? unsetSeccompProfile
        streamServerAddress = try reader.string("stream_server_address") ?? streamServerAddress
        streamServerPort = try reader.string("stream_server_port") ?? streamServerPort
        guard let port = Int(streamServerPort), (0...65535).contains(port) else {
            throw reader.error("stream_server_port", "\"\(streamServerPort)\" is not a port (0 picks a free one)")
        }
        streamIdleTimeout = try reader.string("stream_idle_timeout") ?? streamIdleTimeout
        do {
            _ = try Duration.parseGo(streamIdleTimeout)
        } catch {
            throw reader.error("stream_idle_timeout", error.message)
        }
        enableTLSStreaming = try reader.bool("enable_tls_streaming") ?? enableTLSStreaming
        let keyPair = try reader.table("x509_key_pair_streaming")
        tlsCertFile = try keyPair.string("tls_cert_file") ?? tlsCertFile
        tlsKeyFile = try keyPair.string("tls_key_file") ?? tlsKeyFile
        if tlsCertFile.isEmpty != tlsKeyFile.isEmpty {
            throw keyPair.error(tlsCertFile.isEmpty ? "tls_cert_file" : "tls_key_file",
                                "give both tls_cert_file and tls_key_file, or neither for a self-signed pair")
        }
        if sandboxImage.isEmpty { throw reader.error("sandbox_image", "must not be empty") }

        let cniReader = try reader.table("cni")
        cni.binDir = try cniReader.string("bin_dir") ?? cni.binDir
        cni.confDir = try cniReader.string("conf_dir") ?? cni.confDir
        cni.maxConfNum = try cniReader.int("max_conf_num") ?? cni.maxConfNum

        let containerdReader = try reader.table("containerd")
        containerd.snapshotter = try containerdReader.string("snapshotter") ?? containerd.snapshotter
        containerd.defaultRuntimeName = try containerdReader.string("default_runtime_name")
            ?? containerd.defaultRuntimeName
        let runtimesReader = try containerdReader.table("runtimes")
        for name in runtimesReader.table.keys {
            let runtimeReader = try runtimesReader.table(name)
            var runtime = containerd.runtimes[name] ?? Runtime()
            runtime.runtimeType = try runtimeReader.string("runtime_type") ?? runtime.runtimeType
            let options = try runtimeReader.table("options")
            if let binary = try options.string("BinaryName"), !binary.isEmpty { runtime.binaryName = binary }
            runtime.systemdCgroup = try options.bool("SystemdCgroup") ?? runtime.systemdCgroup
            containerd.runtimes[name] = runtime
        }
        if containerd.runtimes[containerd.defaultRuntimeName] == nil {
            throw containerdReader.error(
                "default_runtime_name", "no runtime named \"\(containerd.defaultRuntimeName)\" in containerd.runtimes")
        }
        let registry = try reader.table("registry")
        registryConfigPath = try registry.string("config_path") ?? registryConfigPath
    }

    public func encode() -> TOMLTable {
        var table = TOMLTable()
        table["sandbox_image"] = .string(sandboxImage)
        table["max_container_log_line_size"] = .integer(Int64(maxContainerLogLineSize))
        table["restrict_oom_score_adj"] = .bool(restrictOOMScoreAdj)
        table["unset_seccomp_profile"] = .string(unsetSeccompProfile)
        table["stream_server_address"] = .string(streamServerAddress)
        table["stream_server_port"] = .string(streamServerPort)
        table["stream_idle_timeout"] = .string(streamIdleTimeout)
        table["enable_tls_streaming"] = .bool(enableTLSStreaming)
        var keyPair = TOMLTable()
        keyPair["tls_cert_file"] = .string(tlsCertFile)
        keyPair["tls_key_file"] = .string(tlsKeyFile)
        table["x509_key_pair_streaming"] = .table(keyPair)
        var cniTable = TOMLTable()
        cniTable["bin_dir"] = .string(cni.binDir)
        cniTable["conf_dir"] = .string(cni.confDir)
        cniTable["max_conf_num"] = .integer(Int64(cni.maxConfNum))
        table["cni"] = .table(cniTable)
        var containerdTable = TOMLTable()
        containerdTable["snapshotter"] = .string(containerd.snapshotter)
        containerdTable["default_runtime_name"] = .string(containerd.defaultRuntimeName)
        var runtimesTable = TOMLTable()
        for (name, runtime) in containerd.runtimes.sorted(by: { $0.key < $1.key }) {
            var runtimeTable = TOMLTable()
            runtimeTable["runtime_type"] = .string(runtime.runtimeType)
            var options = TOMLTable()
            options["BinaryName"] = .string(runtime.binaryName)
            options["SystemdCgroup"] = .bool(runtime.systemdCgroup)
            runtimeTable["options"] = .table(options)
            runtimesTable[name] = .table(runtimeTable)
        }
        containerdTable["runtimes"] = .table(runtimesTable)
        table["containerd"] = .table(containerdTable)
        var registry = TOMLTable()
        registry["config_path"] = .string(registryConfigPath)
        table["registry"] = .table(registry)
        return table
    }
}
