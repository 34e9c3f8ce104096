import Foundation
import Testing
import TestSupport

/// Debian's docker-registry on a free 127.0.0.1 port, holding a busybox image built by the test
/// (`Tests/Fixtures/scripts/busybox-image.sh`). Stopped and removed on deinit.
final class LocalRegistry {
    let process = Process()
    let directory: TemporaryDirectory
    let port: Int
    var host: String { "127.0.0.1:\(port)" }

    /// The certificate authority that signed the registry's certificate, when it serves HTTPS.
    private(set) var caFile: String?
    /// skopeo's `--dest-creds` when the registry requires auth.
    private var pushCredentials: [String] = []

    /// `tls`: serve HTTPS with a certificate for 127.0.0.1 signed by a fresh CA (`caFile`).
    /// `users`: require basic auth with these user:password pairs (htpasswd, bcrypt).
    init(tls: Bool = false, users: [String: String] = [:]) throws {
        directory = try TemporaryDirectory("ctr-reg")
        port = try freePort()
        var extra = ""
        if tls {
            let made = try run("/bin/sh", ["-c", """
                set -e; cd '\(directory.path)'
                openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ctr-test-ca -keyout ca.key -out ca.pem 2>/dev/null
                openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr 2>/dev/null
                printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext
                openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.pem 2>/dev/null
                """])
            guard made.status == 0 else { throw TestFailure("making the registry's certificates failed: \(made)") }
            caFile = directory.path + "/ca.pem"
            extra += """

                  tls:
                    certificate: \(directory.path)/server.pem
                    key: \(directory.path)/server.key
                """
        }
        if !users.isEmpty {
            var lines = ""
            for (user, password) in users.sorted(by: { $0.key < $1.key }) {
                let hashed = try run("/usr/bin/python3", ["-W", "ignore", "-c",
                    "import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))", password])
                guard hashed.status == 0 else { throw TestFailure("hashing a registry password failed: \(hashed)") }
                lines += "\(user):\(hashed.stdout.trimmingCharacters(in: .whitespacesAndNewlines))\n"
            }
            try lines.write(toFile: directory.path + "/htpasswd", atomically: false, encoding: .utf8)
            if let (user, password) = users.first { pushCredentials = ["--dest-creds", "\(user):\(password)"] }
            extra += """

                auth:
                  htpasswd:
                    realm: ctr-test
                    path: \(directory.path)/htpasswd
                """
        }
        let config = """
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: \(directory.path)/data
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:\(port)\(extra)
            """
        try config.write(toFile: directory.path + "/config.yml", atomically: false, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", directory.path + "/config.yml"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitUntilListening(process, port: port, name: "docker-registry")
    }

    /// Builds a busybox image (with an extra layer of `extraMB` MiB if > 0) and pushes it as
    /// `repository:tag`. Returns the manifest digest.
    @discardableResult
    func pushBusybox(_ repository: String, tag: String = "latest", extraMB: Int = 0, command: String? = nil,
                     zeroFilled: Bool = false) throws -> String
    {
        let layout = directory.path + "/layout-\(repository)-\(tag)"
        let script = repositoryRoot + "/Tests/Fixtures/scripts/busybox-image.sh"
        var environment = command.map { ["IMAGE_CMD": $0] } ?? [:]
        if zeroFilled { environment["EXTRA_SOURCE"] = "/dev/zero" }
        let built = try run("/bin/bash", [script, layout, tag, String(extraMB)], environment: environment)
        guard built.status == 0 else { throw TestFailure("building the busybox image failed: \(built)") }
        let pushed = try run("/usr/bin/skopeo", ["copy", "--quiet", "--dest-tls-verify=false"] + pushCredentials + [
                                                 "oci:\(layout):\(tag)", "docker://\(host)/\(repository):\(tag)"])
        guard pushed.status == 0 else { throw TestFailure("skopeo push failed: \(pushed)") }
        return built.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Builds a two-platform (linux/amd64, linux/arm64) index and pushes it as `repository:tag`.
    /// Returns the index digest and the amd64 and arm64 manifest digests.
    func pushMultiPlatform(_ repository: String, tag: String = "latest") throws -> (index: String, amd64: String, arm64: String) {
        let layout = directory.path + "/layout-\(repository)-\(tag)"
        let built = try run("/bin/bash", [repositoryRoot + "/Tests/Fixtures/scripts/busybox-image.sh", layout, tag])
        guard built.status == 0 else { throw TestFailure("building the busybox image failed: \(built)") }
        let indexed = try run("/usr/bin/python3", [repositoryRoot + "/Tests/Fixtures/scripts/multi-platform.py", layout, tag])
        let digests = indexed.stdout.split(separator: "\n").map(String.init)
        guard indexed.status == 0, digests.count == 3 else { throw TestFailure("multi-platform fixture failed: \(indexed)") }
        let pushed = try run("/usr/bin/skopeo", ["copy", "--quiet", "--all", "--dest-tls-verify=false"] + pushCredentials + [
                                                 "oci:\(layout):\(tag)", "docker://\(host)/\(repository):\(tag)"])
        guard pushed.status == 0 else { throw TestFailure("skopeo push failed: \(pushed)") }
        return (digests[0], digests[1], digests[2])
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        directory.remove()
    }
}

/// The package's root directory.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// A TCP port on 127.0.0.1 that was free a moment ago.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TestFailure("bind failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Waits (up to 20 s) until `process` accepts TCP connections on 127.0.0.1:`port`.
func waitUntilListening(_ process: Process, port: Int, name: String) throws {
    let deadline = ContinuousClock.now + .seconds(20)
    while !tcpAccepts(port: port) {
        if ContinuousClock.now > deadline || !process.isRunning {
            throw TestFailure("\(name) did not start on 127.0.0.1:\(port)")
        }
        Thread.sleep(forTimeInterval: 0.05)
    }
}

func tcpAccepts(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}

/// `Tests/Fixtures/scripts/token-front.py` in front of a registry: bearer-token auth on 127.0.0.1, the
/// token service's requests logged. Stopped on deinit.
final class TokenFront {
    let process = Process()
    let port: Int
    let log: String
    var host: String { "127.0.0.1:\(port)" }

    /// `blobDelay`: how long blob downloads wait before they start.
    init(upstream: LocalRegistry, credentials: String? = nil, blobDelay: Duration = .zero) throws {
        port = try freePort()
        log = upstream.directory.path + "/token-front-\(port).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [repositoryRoot + "/Tests/Fixtures/scripts/token-front.py", String(port), upstream.host]
            + (credentials.map { [$0] } ?? [])
        process.standardOutput = FileHandle(forWritingAtPath: log)
        var environment = ProcessInfo.processInfo.environment
        environment["BLOB_DELAY_MS"] = String(blobDelay.components.seconds * 1000
            + blobDelay.components.attoseconds / 1_000_000_000_000_000)
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitUntilListening(process, port: port, name: "token front")
    }

    /// The query strings the token service was asked with.
    var tokenRequests: [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
