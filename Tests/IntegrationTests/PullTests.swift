import Core
import Foundation
import Testing
import TestSupport

/// Our `ctr images pull` (registry client + containerd API) into our daemon and into containerd.
@Suite("Pull", .timeLimit(.minutes(3)), .enabled(if: haveRegistryTools))
struct PullTests {
    @Test("our pull into our daemon: layers verified and labelled, a second pull finds everything, errors are clear", .usesContainerd)
    func pullIntoOurs() throws {
        let registry = try LocalRegistry()
        let manifest = try registry.pushBusybox("busybox", extraMB: 1)
        let dir = try TemporaryDirectory("ctr-pull")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        let reference = "\(registry.host)/busybox:latest"

        #expect(try ctr(a + ["images", "pull", "--quiet", reference]) == manifest + "\n")
        #expect(try ctr(a + ["images", "ls", "-q"]) == reference + "\n")
        let digests = try ctr(a + ["content", "ls", "-q"]).split(separator: "\n")
        #expect(digests.count == 4, "manifest, config and two layers: \(digests)")
        #expect(try ctr(a + ["content", "label", manifest]).contains("containerd.io/gc.ref.content.l.1=sha256:"))
        #expect(try ctr(a + ["leases", "ls", "-q"]).isEmpty, "the pull's lease is gone")

        let again = try ctr(a + ["images", "pull", reference])
        #expect(again.split(separator: "\n").filter { $0.hasPrefix("exists") }.count == 4, "\(again)")
        // On a terminal the display redraws in place and ends with totals.
        let command = ([ctrBinary] + a + ["-n", "tty", "images", "pull", reference]).joined(separator: " ")
        let tty = try run("/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(tty.status == 0)
        #expect(tty.stdout.contains("\u{1B}[2K") && tty.stdout.contains("elapsed:") && tty.stdout.contains("layer-sha256:"),
                "\(tty.stdout)")
        // containerd's client reads what ours stored.
        #expect(try containerdClient(a + ["images", "ls", "-q"]) == reference + "\n")

        let missing = try run(ctrBinary, a + ["images", "pull", "\(registry.host)/busybox:nope"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "ctr: pull \(registry.host)/busybox:nope: not found in registry\n")
        let port = try freePort()
        let unreachable = try run(ctrBinary, a + ["images", "pull", "127.0.0.1:\(port)/busybox:1"])
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr == "ctr: registry 127.0.0.1:\(port) unreachable: connection refused\n")
        try daemon.stop()
    }

    @Test("a blob whose bytes do not match its digest fails the pull and leaves nothing behind")
    func digestMismatch() throws {
        let port = try freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = [repositoryRoot + "/Tests/Fixtures/scripts/bad-registry.py", String(port)]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        // SIGKILL: children inherit the test runner's blocked signals, so SIGTERM may stay pending.
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while !tcpAccepts(port: port) && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }

        let dir = try TemporaryDirectory("ctr-bad")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        let output = try run(ctrBinary, a + ["images", "pull", "127.0.0.1:\(port)/bad:latest"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("does not match its descriptor"), "\(output)")
        #expect(try ctr(a + ["images", "ls", "-q"]).isEmpty)
        let active = try ctr(a + ["content", "active", "-o", "json"])
        #expect(active.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "no ingest stays: \(active)")
        // Whatever was committed (the config) is not referenced by anything and goes with GC.
        try eventually("garbage collection removes the unreferenced blobs") {
            try ctr(a + ["content", "ls", "-q"]).isEmpty
        }
        try daemon.stop()
    }

    @Test("our pull against Debian's containerd", .usesContainerd)
    func pullIntoContainerd() throws {
        let registry = try LocalRegistry()
        let manifest = try registry.pushBusybox("busybox")
        let dir = try TemporaryDirectory("ctr-pcd")
        defer { dir.remove() }
        let containerd = try DaemonProcess.containerd(in: dir.path)
        let a = ["--address", containerd.socket]
        let reference = "\(registry.host)/busybox:latest"
        #expect(try ctr(a + ["images", "pull", "-q", reference]) == manifest + "\n")
        let listed = try containerdClient(a + ["images", "ls"])
        #expect(listed.contains(reference) && listed.contains(manifest), "\(listed)")
        #expect(try containerdClient(a + ["content", "ls", "-q"]).split(separator: "\n").count == 3)
        try containerd.stop()
    }
}

extension PullTests {
    @Test("SIGKILL of the daemon in the middle of a pull: no partial blob is visible, the same pull completes")
    func crashDuringPull() throws {
        let registry = try LocalRegistry()
        let manifest = try registry.pushBusybox("big", extraMB: 96)
        let dir = try TemporaryDirectory("ctr-crash")
        defer { dir.remove() }
        var daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        let reference = "\(registry.host)/big:latest"

        let pull = Process()
        pull.executableURL = URL(fileURLWithPath: ctrBinary)
        pull.arguments = a + ["images", "pull", "--quiet", reference]
        pull.standardOutput = FileHandle.nullDevice
        pull.standardError = FileHandle.nullDevice
        try pull.run()
        // Kill the daemon once an ingest has bytes in it.
        let ingestRoot = dir.path + "/root/io.containerd.content.v1.content/ingest"
        let deadline = ContinuousClock.now + .seconds(30)
        var sawPartial = false
        while ContinuousClock.now < deadline && !sawPartial {
            for ingest in (try? FileManager.default.contentsOfDirectory(atPath: ingestRoot)) ?? [] {
                let size = (try? FileManager.default.attributesOfItem(atPath: "\(ingestRoot)/\(ingest)/data"))?[.size] as? Int ?? 0
                if size > 1 << 20 { sawPartial = true }
            }
            if !sawPartial { Thread.sleep(forTimeInterval: 0.005) }
        }
        try daemon.crash()
        pull.waitUntilExit()
        #expect(sawPartial, "the pull was interrupted mid-blob")
        #expect(pull.terminationStatus != 0)

        daemon = try DaemonProcess.ours(in: dir.path)
        // Every visible blob is complete and matches its digest; the image is not recorded yet.
        #expect(try ctr(a + ["images", "ls", "-q"]).isEmpty)
        let blobs = dir.path + "/root/io.containerd.content.v1.content/blobs/sha256"
        for name in try FileManager.default.contentsOfDirectory(atPath: blobs) {
            let data = try Data(contentsOf: URL(fileURLWithPath: blobs + "/" + name))
            #expect(sha256(data) == name, "blob \(name) is complete")
        }
        #expect(try ctr(a + ["images", "pull", "--quiet", reference]) == manifest + "\n")
        #expect(try ctr(a + ["content", "ls", "-q"]).split(separator: "\n").count == 4)
        try daemon.stop()
    }
}

extension PullTests {
    @Test("push: blobs then manifest; the registry serves the same digest; existing blobs are skipped")
    func push() throws {
        let registry = try LocalRegistry()
        let manifest = try registry.pushBusybox("source", extraMB: 1)
        let dir = try TemporaryDirectory("ctr-push")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        try ctr(a + ["images", "pull", "-q", "\(registry.host)/source:latest"])

        let target = "\(registry.host)/copies/busybox:v1"
        // The pull labelled the blobs with their source repository, so the registry mounts them.
        let source = "containerd.io/distribution.source.\(registry.host)=source"
        #expect(try ctr(a + ["content", "ls"]).split(separator: "\n").filter { $0.contains(source) }.count == 4)
        let pushed = try ctr(a + ["images", "push", target, "\(registry.host)/source:latest"])
        #expect(pushed.split(separator: "\n").filter { $0.hasPrefix("mounted") }.count == 3, "config, 2 layers: \(pushed)")
        #expect(pushed.split(separator: "\n").filter { $0.hasPrefix("done") }.count == 1, "the manifest: \(pushed)")
        let inspect = try run("/usr/bin/skopeo", ["inspect", "--tls-verify=false", "docker://\(target)"])
        #expect(inspect.status == 0 && inspect.stdout.contains("\"Digest\": \"\(manifest)\""), "\(inspect)")
        let again = try ctr(a + ["images", "push", target, "\(registry.host)/source:latest"])
        #expect(again.split(separator: "\n").filter { $0.hasPrefix("exists") }.count == 3, "\(again)")
        #expect(again.split(separator: "\n").filter { $0.hasPrefix("done") }.count == 1, "only the manifest: \(again)")
        // What was pushed pulls back, whole, into another namespace.
        #expect(try ctr(a + ["-n", "other", "images", "pull", "-q", target]) == manifest + "\n")
        // Pulled from copies/busybox, the blobs mount from there into another repository.
        let uploaded = try ctr(a + ["-n", "other", "images", "push", "\(registry.host)/fresh:v1", target])
        #expect(uploaded.split(separator: "\n").filter { $0.hasPrefix("mounted") }.count == 3, "from copies/busybox: \(uploaded)")

        let missing = try run(ctrBinary, a + ["images", "push", "\(registry.host)/x:1", "nothing:here"])
        #expect(missing.status == 1 && missing.stderr.contains("image \"nothing:here\": not found"), "\(missing)")
        try daemon.stop()
    }
}

extension PullTests {
    @Test("a registry hosts directory sends pulls to a mirror, in containerd's hosts.toml layout")
    func hostsDirectoryMirror() throws {
        let registry = try LocalRegistry()
        let manifest = try registry.pushBusybox("mirrored")
        let dir = try TemporaryDirectory("ctr-hosts")
        defer { dir.remove() }
        // registry.invalid does not resolve: only the mirror can serve it.
        let hostDir = dir.path + "/certs.d/registry.invalid"
        try FileManager.default.createDirectory(atPath: hostDir, withIntermediateDirectories: true)
        try """
            server = "https://registry.invalid"
            [host."http://\(registry.host)"]
              capabilities = ["pull", "resolve"]
            """.write(toFile: hostDir + "/hosts.toml", atomically: false, encoding: .utf8)
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        let pulled = try ctr(a + ["images", "pull", "-q", "--hosts-dir", dir.path + "/certs.d",
                                  "registry.invalid/mirrored:latest"])
        #expect(pulled == manifest + "\n")
        #expect(try ctr(a + ["images", "ls", "-q"]) == "registry.invalid/mirrored:latest\n")

        try "server = \"nonsense\"".write(toFile: hostDir + "/hosts.toml", atomically: false, encoding: .utf8)
        let bad = try run(ctrBinary, a + ["images", "pull", "--hosts-dir", dir.path + "/certs.d", "registry.invalid/x:1"])
        #expect(bad.status == 1 && bad.stderr.contains("must start with http:// or https://"), "\(bad)")
        try daemon.stop()
    }
}

extension PullTests {
    @Test("multi-platform index: default linux/amd64, --platform, --all-platforms")
    func platforms() throws {
        let registry = try LocalRegistry()
        let digests = try registry.pushMultiPlatform("multi")
        let dir = try TemporaryDirectory("ctr-plat")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let reference = "\(registry.host)/multi:latest"
        func pull(_ namespace: String, _ flags: [String]) throws -> Set<String> {
            let a = ["--address", daemon.socket, "-n", namespace]
            #expect(try ctr(a + ["images", "pull", "-q"] + flags + [reference]) == digests.index + "\n")
            return Set(try ctr(a + ["content", "ls", "-q"]).split(separator: "\n").map(String.init))
        }
        let amd64 = try pull("default-platform", [])
        #expect(amd64.contains(digests.index) && amd64.contains(digests.amd64) && !amd64.contains(digests.arm64))
        #expect(amd64.count == 4, "index, manifest, config, layer: \(amd64)")
        let listed = try ctr(["--address", daemon.socket, "-n", "default-platform", "images", "ls"])
        #expect(listed.contains("linux/amd64,linux/arm64"), "\(listed)")

        let arm64 = try pull("arm", ["--platform", "linux/arm64"])
        #expect(arm64.contains(digests.arm64) && !arm64.contains(digests.amd64))
        let all = try pull("all", ["--all-platforms"])
        #expect(all.contains(digests.amd64) && all.contains(digests.arm64) && all.count == 6, "\(all)")

        // `images check`: complete while everything is there, incomplete once a blob goes.
        let check = ["--address", daemon.socket, "-n", "default-platform", "images", "check"]
        #expect(try ctr(check).contains("complete (4/4)"))
        let config = try ctr(["--address", daemon.socket, "-n", "default-platform", "content", "ls", "-q"])
            .split(separator: "\n").map(String.init).first { !$0.isEmpty && ![digests.index, digests.amd64].contains($0)
                && (try? ctr(["--address", daemon.socket, "-n", "default-platform", "content", "get", $0]))?.contains("arm64") == false }
        let blob = try #require(config, "a blob of the amd64 image besides its index and manifest")
        try ctr(["--address", daemon.socket, "-n", "default-platform", "content", "rm", blob])
        #expect(try ctr(check).contains("incomplete (3/4)"))
        #expect(try ctr(check + ["-q"]).isEmpty)

        let none = try run(ctrBinary, ["--address", daemon.socket, "-n", "none", "images", "pull",
                                       "--platform", "windows/amd64", reference])
        #expect(none.status == 1 && none.stderr.contains("no manifest for platform windows/amd64"), "\(none)")
        try daemon.stop()
    }
}

extension PullTests {
    @Test("HTTPS and basic auth: an untrusted certificate is named, hosts.toml ca and skip_verify, --user")
    func httpsWithAuth() throws {
        let registry = try LocalRegistry(tls: true, users: ["tester": "s3cret"])
        let manifest = try registry.pushBusybox("secure")
        let dir = try TemporaryDirectory("ctr-tls")
        defer { dir.remove() }
        let hostDir = dir.path + "/certs.d/" + registry.host
        try FileManager.default.createDirectory(atPath: hostDir, withIntermediateDirectories: true)
        func hosts(_ extra: String) throws {
            try "server = \"https://\(registry.host)\"\n\(extra)\n".write(toFile: hostDir + "/hosts.toml", atomically: false,
                                                                         encoding: .utf8)
        }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        let reference = "\(registry.host)/secure:latest"
        let pull = a + ["images", "pull", "--quiet", "--hosts-dir", dir.path + "/certs.d"]

        try hosts("")
        let untrusted = try run(ctrBinary, pull + ["--user", "tester:s3cret", reference])
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.hasPrefix("ctr: registry \(registry.host): TLS certificate not trusted"), "\(untrusted.stderr)")

        try hosts("ca = \"\(registry.caFile ?? "")\"")
        let anonymous = try run(ctrBinary, pull + [reference])
        #expect(anonymous.status == 1)
        #expect(anonymous.stderr == "ctr: pull \(reference): registry \(registry.host) needs credentials (--user)\n",
                "\(anonymous.stderr)")
        let wrong = try run(ctrBinary, pull + ["--user", "tester:nope", reference])
        #expect(wrong.status == 1 && wrong.stderr.contains("denied access (401)"), "\(wrong.stderr)")
        #expect(try ctr(pull + ["--user", "tester:s3cret", reference]) == manifest + "\n")
        #expect(try ctr(a + ["images", "ls", "-q"]) == reference + "\n")

        try hosts("skip_verify = true")
        _ = try ctr(a + ["images", "rm", reference])
        #expect(try ctr(pull + ["--user", "tester:s3cret", reference]) == manifest + "\n")
        try daemon.stop()
    }
}

extension PullTests {
    @Test("bearer tokens: a 401 challenge sends the client to the token service (anonymously, or with --user)")
    func bearerTokens() throws {
        let registry = try LocalRegistry()
        let manifest = try registry.pushBusybox("guarded")
        let open = try TokenFront(upstream: registry)
        let closed = try TokenFront(upstream: registry, credentials: "tester:s3cret")
        let dir = try TemporaryDirectory("ctr-token")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]

        // Anonymous tokens, as Docker Hub hands out for public images.
        #expect(try ctr(a + ["images", "pull", "-q", "\(open.host)/guarded:latest"]) == manifest + "\n")
        let asked = open.tokenRequests
        #expect(!asked.isEmpty && asked.allSatisfy {
            $0.contains("scope=repository%3Aguarded%3Apull") && $0.contains("service=ctr-test")
        }, "\(asked)")

        let reference = "\(closed.host)/guarded:latest"
        let anonymous = try run(ctrBinary, a + ["images", "pull", reference])
        #expect(anonymous.stderr == "ctr: pull \(reference): registry \(closed.host) needs credentials (--user)\n",
                "\(anonymous.stderr)")
        let wrong = try run(ctrBinary, a + ["images", "pull", "--user", "tester:nope", reference])
        #expect(wrong.stderr == "ctr: pull \(reference): token service http://\(closed.host)/token rejected the credentials (401)\n",
                "\(wrong.stderr)")
        #expect(try ctr(a + ["-n", "closed", "images", "pull", "-q", "--user", "tester:s3cret", reference]) == manifest + "\n")
        try daemon.stop()
    }
}

extension PullTests {
    @Test("ctr cri pull on a terminal shows the blobs the runtime is fetching; elsewhere crictl's one line; --pull-timeout")
    func criPullProgress() throws {
        let registry = try LocalRegistry()
        try registry.pushBusybox("slow", extraMB: 1)
        let front = try TokenFront(upstream: registry, blobDelay: .milliseconds(1500))
        let dir = try TemporaryDirectory("ctr-cri-pull")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let reference = "\(front.host)/slow:latest"

        let command = "CONTAINER_RUNTIME_ENDPOINT=unix://\(daemon.socket) \(ctrBinary) cri pull \(reference)"
        let tty = try run("/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(tty.status == 0)
        #expect(tty.stdout.contains("layer-sha256:") && tty.stdout.contains("config-sha256:")
                && tty.stdout.contains("\u{1B}[2K") && tty.stdout.contains("Image is up to date for sha256:"),
                "\(tty.stdout)")
        // The last frame, drawn once the pull has succeeded, shows every blob done.
        let frames = tty.stdout.components(separatedBy: "elapsed:")
        let lastFrame = frames.count >= 2 ? frames[frames.count - 2] : ""
        #expect(lastFrame.contains("done") && !lastFrame.contains("downloading"), "\(lastFrame)")
        let plain = try ctr(["cri", "pull", reference], environment: ["CONTAINER_RUNTIME_ENDPOINT": "unix://" + daemon.socket])
        #expect(plain.hasPrefix("Image is up to date for sha256:") && plain.split(separator: "\n").count == 1, "\(plain)")

        // A pull that outlives --pull-timeout fails and says so (its blobs wait 1.5 s).
        try registry.pushBusybox("late", extraMB: 1)
        let late = try run(ctrBinary, ["cri", "pull", "--pull-timeout", "500ms", "\(front.host)/late:latest"],
                           environment: ["CONTAINER_RUNTIME_ENDPOINT": "unix://" + daemon.socket])
        #expect(late.status == 1)
        #expect(late.stderr == "ctr: pull \(front.host)/late:latest: not done within --pull-timeout 500ms\n", "\(late.stderr)")
        try daemon.stop()
    }
}
