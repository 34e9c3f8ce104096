import Core
import Foundation
import Testing
import TestSupport

extension CRITests.StreamingTests {
    /// What a user of `ctr cri exec` and an independent WebSocket client see through a stream
    /// server with `enable_tls_streaming`, on both daemons.
    func tlsSession(_ cri: CRICLI, _ fixture: CRIFixture, _ label: String) throws -> [String] {
        let (pod, id) = try startSleeper(cri, fixture, "\(label)-tls")
        var seen: [String] = []
        let url = try cri("exec", "--url-only", id, "sh", "-c", "echo ws; exit 4").trimmed
        seen.append("scheme \(url.prefix { $0 != ":" })")
        let certificate = Self.report(try run("/usr/bin/python3", [Self.scripts + "/stream-client.py", "certificate", url],
                                              timeout: .seconds(30)))
        seen.append("tls \(certificate["version"] ?? "none")")
        let webSocket = Self.report(try run("/usr/bin/python3", [Self.scripts + "/stream-client.py", "ws-exec", url],
                                            timeout: .seconds(30)))
        seen.append("websocket: stdout \(webSocket["stdout"] ?? ""), exit \(webSocket["exit"] ?? "")")
        let split = try shell(cri, "$CTR cri exec \(id) sh -c 'echo out; echo err >&2; exit 3'")
        seen.append("status \(split.status), stdout \(split.stdout.trimmed), stderr \(split.stderr.trimmed)")
        let piped = try shell(cri, "printf 'one\\ntwo\\n' | $CTR cri exec -i \(id) /bin/busybox wc -l")
        seen.append("stdin lines \(piped.stdout.trimmed), status \(piped.status)")
        let large = try shell(cri, "$CTR cri exec \(id) /bin/busybox dd if=/dev/zero bs=1048576 count=32 2>/dev/null | wc -c")
        seen.append("large output \(large.stdout.trimmed) bytes, status \(large.status)")
        try removePod(cri, pod.id)
        return seen
    }

    @Test("TLS streaming with a self-signed pair made at start: exec over SPDY and WebSocket, stdin, 32 MiB whole",
          .usesContainerd)
    func tlsSelfSigned() throws {
        let fixture = try CRIFixture()
        defer { withExtendedLifetime(fixture) {} }
        let (ours, theirs) = try fixture.onBoth(criKeys: "  enable_tls_streaming = true\n") { cri, label in
            try tlsSession(cri, fixture, label)
        }
        #expect(ours.first == "scheme https")
        #expect(ours.dropFirst(2) == [
            "websocket: stdout ws, exit 4", "status 3, stdout out, stderr err", "stdin lines 2, status 0",
            "large output 33554432 bytes, status 0",
        ])
        // Both offer TLS 1.2 and 1.3; which one the client lands on is the libraries' business.
        #expect(ours.dropFirst().first?.hasPrefix("tls TLSv1.") == true, "\(ours)")
        #expect(Array(ours.prefix(1) + ours.dropFirst(2)) == Array(theirs.prefix(1) + theirs.dropFirst(2)),
                "ours: \(ours)\ncontainerd: \(theirs)")
    }

    @Test("TLS streaming with a configured key pair serves that certificate; a missing key file keeps the CRI plugin out, named",
          .usesContainerd)
    func tlsConfiguredPair() throws {
        let fixture = try CRIFixture()
        defer { withExtendedLifetime(fixture) {} }
        let cert = fixture.path + "/stream-cert.pem"
        let key = fixture.path + "/stream-key.pem"
        let made = try run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
            "-days", "2", "-subj", "/CN=stream-test", "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        #expect(made.status == 0, "\(made)")
        let der = try run("/bin/sh", ["-c", "/usr/bin/openssl x509 -in \(cert) -outform der | sha256sum"])
        let expected = String(der.stdout.prefix { $0 != " " })
        let keys = "  enable_tls_streaming = true\n  x509_key_pair_streaming = { tls_cert_file = \"\(cert)\", tls_key_file = \"\(key)\" }\n"
        let (ours, theirs) = try fixture.onBoth(criKeys: keys) { cri, label -> [String] in
            let (pod, id) = try startSleeper(cri, fixture, "\(label)-pair")
            let url = try cri("exec", "--url-only", id, "true").trimmed
            let served = Self.report(try run("/usr/bin/python3", [Self.scripts + "/stream-client.py", "certificate", url],
                                             timeout: .seconds(30)))
            let exec = try shell(cri, "$CTR cri exec \(id) sh -c 'echo paired'")
            try removePod(cri, pod.id)
            return ["configured certificate served: \(served["sha256"] == expected)", "exec \(exec.stdout.trimmed)"]
        }
        #expect(ours == ["configured certificate served: true", "exec paired"])
        #expect(ours == theirs, "ours: \(ours)\ncontainerd: \(theirs)")

        // Ours only: without its key the CRI plugin does not load (the daemon runs on without it,
        // as containerd does), and the log names the key and the file.
        let broken = fixture.path + "/broken"
        try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
        defer { cleanUpRuntime(broken) }
        let missing = fixture.path + "/no-such-key.pem"
        let daemon = try DaemonProcess.ours(
            in: broken, config: fixture.ourConfig(criKeys: keys.replacingOccurrences(of: key, with: missing)))
        let version = try CRICLI(socket: daemon.socket).attempt("version")
        #expect(version.status != 0, "\(version)")
        _ = try daemon.stop()
        #expect(daemon.log.contains("stream server TLS: tls_key_file \(missing): no such file or directory"), "\(daemon.log)")
    }
}
