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

    @Test("stream config keys: containerd's names and defaults; a bad port, duration or TLS request is refused by name")
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
        for (key, value) in [("stream_server_port", "\"http\""), ("stream_server_port", "\"70000\""),
                             ("stream_idle_timeout", "\"soon\""), ("enable_tls_streaming", "true")] {
            let text = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  \(key) = \(value)\n"
            #expect {
                _ = try DaemonConfig.parse(text, source: "bad.toml", registrations: registrations)
            } throws: { error in
                "\(error)".contains(key)
            }
        }
    }
}
