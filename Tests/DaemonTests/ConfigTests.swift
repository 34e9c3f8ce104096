import Core
@testable import Daemon
import Foundation
import NIOCore
import TOML
import Testing
import TestSupport

@Suite("Daemon config")
struct ConfigTests {
    let registrations = Builtins.registrations

    @Test("embedded defaults: /var/lib/ctr, /run/ctr, /run/ctr/ctr.sock, CRI defaults")
    func defaults() throws {
        let config = DaemonConfig(registrations: registrations)
        #expect(config.root == "/var/lib/ctr")
        #expect(config.state == "/run/ctr")
        #expect(config.grpc.address == "/run/ctr/ctr.sock")
        let cri = try #require(config.pluginConfigs["io.containerd.grpc.v1.cri"] as? CRIConfig)
        // containerd 1.6's values where it has the key; restrict_oom_score_adj is on because hosts
        // without CAP_SYS_RESOURCE (this one) cannot lower a container's oom_score_adj.
        #expect(cri.sandboxImage == "registry.k8s.io/pause:3.6")
        #expect(cri.maxContainerLogLineSize == 16384)
        #expect(cri.restrictOOMScoreAdj)
        #expect(cri.streamServerAddress == "127.0.0.1" && cri.streamServerPort == "0")
        #expect(cri.cni.binDir == "/usr/lib/cni" && cri.cni.confDir == "/etc/cni/net.d" && cri.cni.maxConfNum == 1)
        #expect(cri.containerd.snapshotter == "overlayfs" && cri.containerd.defaultRuntimeName == "runc")
        #expect(cri.containerd.runtimes.count == 1)
        let runc = try #require(cri.containerd.runtimes["runc"])
        #expect(runc.runtimeType == "io.containerd.runc.v2" && runc.binaryName == "runc" && !runc.systemdCgroup)
        #expect(cri.registryConfigPath == "")
    }

    @Test("the encoded defaults parse back to the same config")
    func defaultRoundTrip() throws {
        let config = DaemonConfig(registrations: registrations)
        let text = TOML.encode(config.encode(registrations: registrations))
        let parsed = try DaemonConfig.parse(text, source: "default.toml", registrations: registrations)
        #expect(parsed.ignoredKeys.isEmpty)
        #expect(parsed.root == config.root)
        #expect(parsed.grpc.address == config.grpc.address)
        #expect(parsed.pluginConfigs["io.containerd.grpc.v1.cri"] as? CRIConfig == CRIConfig())
    }

    @Test("a containerd v2 config loads: known keys are used, the rest reported as ignored")
    func containerdLayout() throws {
        let text = """
            version = 2
            root = "/tmp/r"
            state = "/tmp/s"
            oom_score = 0
            disabled_plugins = ["io.containerd.grpc.v1.cri"]
            required_plugins = ["io.containerd.grpc.v1.version"]
            [grpc]
              address = "/tmp/s/x.sock"
              uid = 0
              gid = 5
              tcp_address = ""
            [debug]
              level = "debug"
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.k8s.io/pause:3.9"
              enable_selinux = false
              [plugins."io.containerd.grpc.v1.cri".cni]
                bin_dir = "/usr/lib/cni"
                conf_dir = "/tmp/net.d"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                BinaryName = "/usr/sbin/runc"
                SystemdCgroup = false
            [plugins."io.containerd.gc.v1.scheduler"]
              pause_threshold = 0.02
            """
        let config = try DaemonConfig.parse(text, source: "c.toml", registrations: registrations)
        #expect(config.root == "/tmp/r")
        #expect(config.state == "/tmp/s")
        #expect(config.grpc.address == "/tmp/s/x.sock")
        #expect(config.grpc.gid == 5)
        #expect(config.logLevel == "debug")
        #expect(config.disabledPlugins == ["io.containerd.grpc.v1.cri"])
        #expect(config.requiredPlugins == ["io.containerd.grpc.v1.version"])
        let cri = try #require(config.pluginConfigs["io.containerd.grpc.v1.cri"] as? CRIConfig)
        #expect(cri.sandboxImage == "registry.k8s.io/pause:3.9")
        #expect(cri.cni.confDir == "/tmp/net.d")
        #expect(cri.containerd.runtimes["runc"]?.binaryName == "/usr/sbin/runc")
        #expect(Set(config.ignoredKeys) == [
            "oom_score", "grpc.tcp_address", "plugins.\"io.containerd.grpc.v1.cri\".enable_selinux",
            "plugins.\"io.containerd.gc.v1.scheduler\"",
        ])
    }

    /// Needs Debian's containerd, as the whole suite does (scripts/check-prerequisites.sh): a
    /// missing one fails here rather than skipping.
    @Test("the output of Debian's `containerd config default` loads")
    func realContainerdDefault() throws {
        let output = try run("/usr/bin/containerd", ["config", "default"])
        #expect(output.status == 0, "\(output)")
        let text = output.stdout
        let config = try DaemonConfig.parse(text, source: "containerd-default.toml", registrations: registrations)
        #expect(config.root == "/var/lib/containerd")
        #expect(config.grpc.address == "/run/containerd/containerd.sock")
        #expect(config.ignoredKeys.contains("oom_score"))
        let cri = try #require(config.pluginConfigs["io.containerd.grpc.v1.cri"] as? CRIConfig)
        #expect(cri.containerd.defaultRuntimeName == "runc")
    }

    @Test("wrong types and bad values name the file, the key and the reason", arguments: [
        ("version = 2\nroot = 5", "invalid config f.toml: key \"root\": expected a string, found an integer"),
        ("version = 2\n[grpc]\nuid = \"zero\"", "invalid config f.toml: key \"grpc.uid\": expected an integer, found a string"),
        ("version = 2\ndisabled_plugins = [1]", "key \"disabled_plugins\": element 0 must be a string, found an integer"),
        ("version = 2\nroot = \"relative/dir\"", "key \"root\": \"relative/dir\" must be an absolute path"),
        ("version = 2\n[debug]\nlevel = \"loud\"", "key \"debug.level\": unknown log level \"loud\""),
        ("version = 1", "key \"version\": only version 2 configs are supported, found 1"),
        ("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\nsandbox_image = true",
         "key \"plugins.\"io.containerd.grpc.v1.cri\".sandbox_image\": expected a string, found a boolean"),
        ("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\ndefault_runtime_name = \"kata\"",
         "no runtime named \"kata\""),
        ("version = 2\n[grpc]\nmax_connection_idle = \"later\"", "key \"grpc.max_connection_idle\": \"later\""),
        ("version = 2\n[grpc]\npreface_timeout = \"0s\"", "key \"grpc.preface_timeout\": \"0s\": must be more than 0s"),
        ("version = 2\n[grpc]\nmax_concurrent_streams = 0", "key \"grpc.max_concurrent_streams\": must be between 1 and 100000"),
    ])
    func badValues(text: String, message: String) {
        #expect {
            _ = try DaemonConfig.parse(text, source: "f.toml", registrations: registrations)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("[grpc] transport keys: defaults as grpc-go's server (no idle limit, 5m ping interval, 120s preface), values reach the transport")
    func grpcTransportKeys() throws {
        let defaults = DaemonConfig().grpc.transportSettings
        #expect(defaults.maxConnectionIdle == nil && defaults.maxConcurrentStreams == 1000)
        #expect(defaults.minimumPingInterval == .minutes(5) && defaults.prefaceTimeout == .seconds(120))
        let config = try DaemonConfig.parse("""
            version = 2
            [grpc]
              max_concurrent_streams = 200
              max_connection_idle = "15m"
              keepalive_min_time = "10s"
              preface_timeout = "30s"
            """, source: "f.toml", registrations: registrations)
        let settings = config.grpc.transportSettings
        #expect(settings.maxConcurrentStreams == 200 && settings.maxConnectionIdle == .minutes(15))
        #expect(settings.minimumPingInterval == .seconds(10) && settings.prefaceTimeout == .seconds(30))
        #expect(config.ignoredKeys.isEmpty, "\(config.ignoredKeys)")
    }

    @Test("invalid TOML reports the file, line and column")
    func invalidTOML() {
        #expect {
            _ = try DaemonConfig.parse("version = 2\nroot = \"unterminated\n", source: "/etc/ctr/config.toml",
                                       registrations: registrations)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("invalid config /etc/ctr/config.toml") && text.contains("line 2")
        }
    }

    @Test("command-line overrides win over the file")
    func overrides() throws {
        var config = try DaemonConfig.parse("version = 2\nroot = \"/a\"", source: nil, registrations: registrations)
        try config.override(root: "/b", state: "/c", address: "/c/s.sock", logLevel: "warn")
        #expect(config.root == "/b")
        #expect(config.state == "/c")
        #expect(config.grpc.address == "/c/s.sock")
        #expect(config.logLevel == "warn")
        #expect(throws: CtrError.self) { try config.override(root: "rel", state: nil, address: nil, logLevel: nil) }
    }
}
