import API
import Core
@testable import Daemon
import Foundation
import Testing

@Suite("CRI stream server pieces")
struct StreamServerTests {
    @Test("tokens: single use, 128 random bits in URL-safe base64, unknown ones refused")
    func tokensAreSingleUse() {
        let tokens = StreamTokens()
        let request = StreamRequest.portForward(sandboxID: "pod", ports: [80])
        let token = tokens.issue(request)
        #expect(token.count == 22)
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(tokens.issue(request) != token)
        guard case .portForward(let id, let ports)? = tokens.take(token) else {
            Issue.record("the token's request is gone")
            return
        }
        #expect(id == "pod" && ports == [80])
        #expect(tokens.take(token) == nil)
        #expect(tokens.take("AAAAAAAAAAAAAAAAAAAAAA") == nil)
    }

    @Test("tokens expire when nobody connects in time, and only a bounded number wait")
    func tokensExpireAndAreBounded() throws {
        let short = StreamTokens(lifetime: .milliseconds(50))
        let token = short.issue(.attach(containerID: "c", tty: false, stdin: false, stdout: true, stderr: true))
        usleep(120_000)
        #expect(short.take(token) == nil)

        let small = StreamTokens(capacity: 3)
        let issued = (0..<4).map { _ in small.issue(.portForward(sandboxID: "p", ports: [])) }
        #expect(small.waiting == 3)
        #expect(small.take(issued[0]) == nil, "the oldest made room")
        #expect(small.take(issued[3]) != nil)
    }

    @Test("exec and attach requests need a stream, and a terminal has no stderr")
    func stdioChecks() {
        #expect(throws: CtrError.self) {
            try CRIService.checkStdio("c", verb: "exec", stdin: false, stdout: false, stderr: false, tty: false)
        }
        #expect {
            try CRIService.checkStdio("c", verb: "exec", stdin: false, stdout: true, stderr: true, tty: true)
        } throws: { error in
            (error as? CtrError)?.code == .invalidArgument && "\(error)".contains("tty and stderr")
        }
        #expect(throws: Never.self) {
            try CRIService.checkStdio("c", verb: "attach", stdin: true, stdout: true, stderr: false, tty: true)
        }
    }

    @Test("stream config keys: containerd's names and defaults; a bad port, duration or half a key pair is refused by name")
    func streamConfig() throws {
        let registrations = Builtins.registrations
        let defaults = CRIConfig()
        #expect(defaults.streamServerAddress == "127.0.0.1" && defaults.streamServerPort == "0")
        #expect(defaults.streamIdleTimeout == "4h" && !defaults.enableTLSStreaming)
        let good = """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              stream_server_address = "0.0.0.0"
              stream_server_port = "10010"
              stream_idle_timeout = "30m"
            """
        let config = try DaemonConfig.parse(good, source: "c.toml", registrations: registrations)
        let cri = try #require(config.pluginConfigs["io.containerd.grpc.v1.cri"] as? CRIConfig)
        #expect(cri.streamServerAddress == "0.0.0.0" && cri.streamServerPort == "10010" && cri.streamIdleTimeout == "30m")
        let tls = try DaemonConfig.parse(good + "\n  enable_tls_streaming = true\n"
            + "  [plugins.\"io.containerd.grpc.v1.cri\".x509_key_pair_streaming]\n"
            + "    tls_cert_file = \"/etc/c.pem\"\n    tls_key_file = \"/etc/k.pem\"\n",
            source: "c.toml", registrations: registrations)
        let tlsCRI = try #require(tls.pluginConfigs["io.containerd.grpc.v1.cri"] as? CRIConfig)
        #expect(tlsCRI.enableTLSStreaming && tlsCRI.tlsCertFile == "/etc/c.pem" && tlsCRI.tlsKeyFile == "/etc/k.pem")
        for (key, value) in [("stream_server_port", "\"http\""), ("stream_server_port", "\"70000\""),
                             ("stream_idle_timeout", "\"soon\""),
                             ("x509_key_pair_streaming", "{ tls_cert_file = \"/etc/c.pem\" }")] {
            let text = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  \(key) = \(value)\n"
            #expect {
                _ = try DaemonConfig.parse(text, source: "bad.toml", registrations: registrations)
            } throws: { error in
                "\(error)".contains(key == "x509_key_pair_streaming" ? "tls_key_file" : key)
            }
        }
    }

    @Test("a pod's /proc/net/dev: every interface but loopback, receive and transmit columns in their places")
    func networkCounters() {
        let text = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:    1200      12    0    0    0     0          0         0     1200      12    0    0    0     0       0          0
              eth0: 5000000    4000    1    2    0     0          0         0   300000     250    3    4    0     0       0          0
            """
        let parsed = CRIMetrics.NetworkCounters.parse(text)
        #expect(parsed == [CRIMetrics.NetworkCounters(
            name: "eth0", receiveBytes: 5_000_000, receivePackets: 4000, receiveErrors: 1, receiveDropped: 2,
            transmitBytes: 300_000, transmitPackets: 250, transmitErrors: 3, transmitDropped: 4)])
    }

    @Test("metric descriptors: unique cAdvisor names, the six common labels first")
    func metricDescriptors() {
        let descriptors = CRIMetrics.descriptors
        #expect(Set(descriptors.map(\.name)).count == descriptors.count)
        #expect(descriptors.allSatisfy { Array($0.labelKeys.prefix(6)) == CRIMetrics.labelKeys && $0.name.hasPrefix("container_") })
        #expect(descriptors.allSatisfy { !$0.help.isEmpty })
    }

    @Test("the self-signed stream server pair is a usable TLS context; IP literals become SAN bytes")
    func selfSignedPair() throws {
        _ = try StreamTLS.context(certFile: "", keyFile: "", address: "127.0.0.1")
        #expect(StreamTLS.ipBytes("127.0.0.1") == [127, 0, 0, 1])
        #expect(StreamTLS.ipBytes("::1")?.count == 16)
        #expect(StreamTLS.ipBytes("node.example") == nil)
        #expect {
            _ = try StreamTLS.context(certFile: "/no/such/cert.pem", keyFile: "/no/such/key.pem", address: "0.0.0.0")
        } throws: { error in
            "\(error)".contains("tls_cert_file /no/such/cert.pem")
        }
    }
}
