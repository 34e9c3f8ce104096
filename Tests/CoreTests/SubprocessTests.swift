import Core
import Foundation
import Testing
import TestSupport

@Suite("Subprocess")
struct SubprocessTests {
    /// The `SigIgn` and `SigBlk` masks a child started by `start` reports, while this process
    /// ignores SIGUSR1 (process-wide) and this thread blocks SIGUSR2.
    func childSignalMasks(_ start: () throws -> String) throws -> [String] {
        let previous = signal(SIGUSR1, SIG_IGN)
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGUSR2)
        var old = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &old)
        defer {
            pthread_sigmask(SIG_SETMASK, &old, nil)
            signal(SIGUSR1, previous)
        }
        return try start().split(separator: "\n").map(String.init)
    }

    /// The masks without signals 32 and 33, which glibc reserves for itself (thread cancellation
    /// and set*id broadcasts): `sigfillset` leaves them out, so no spawn attribute can reset them,
    /// and the test runner's process ignores them.
    static func userSignals(_ lines: [String]) -> [String] {
        lines.map { line in
            let parts = line.split(separator: "\t")
            guard parts.count == 2, let mask = UInt64(parts[1], radix: 16) else { return line }
            return "\(parts[0])\t\(String(mask & ~UInt64(0x1_8000_0000), radix: 16))"
        }
    }

    @Test("run and spawn start children with default signal dispositions and nothing blocked")
    func cleanSignals() throws {
        let arguments = ["/bin/grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status"]
        let clean = ["SigBlk:\t0", "SigIgn:\t0"]
        let ran = try childSignalMasks {
            let result = try Subprocess.run(arguments)
            #expect(result.status == 0, "\(result.error)")
            return result.output
        }
        #expect(Self.userSignals(ran) == clean, "\(ran)")
        let spawned = try childSignalMasks {
            let output = TemporaryFile()
            defer { output.remove() }
            let pid = try Subprocess.spawn(arguments, stdin: 0, stdout: output.fd, stderr: 2)
            #expect(Subprocess.wait(pid) == 0)
            return try String(contentsOfFile: output.path, encoding: .utf8)
        }
        #expect(Self.userSignals(spawned) == clean, "\(spawned)")
    }

    @Test("exit codes: the program's, or 128 + the signal that killed it")
    func exitCodes() throws {
        #expect(try Subprocess.run(["/bin/sh", "-c", "exit 7"]).status == 7)
        #expect(try Subprocess.run(["/bin/sh", "-c", "kill -TERM $$"]).status == 128 + SIGTERM)
        let result = try Subprocess.run(["/bin/sh", "-c", "echo out; echo err >&2"])
        #expect(result.status == 0 && result.output == "out\n" && result.error == "err\n")
    }
}

/// A file under /tmp opened for writing, for a child's output.
private struct TemporaryFile {
    let path = temporaryPath("ctr-subprocess")
    let fd: Int32

    init() { fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }

    func remove() {
        close(fd)
        unlink(path)
    }
}

@Suite("Subprocess.resolve")
struct SubprocessResolveTests {
    @Test("a program name resolves to the first executable regular file in PATH; paths and misses stay as given")
    func resolve() throws {
        let directory = try TemporaryDirectory("resolve")
        defer { directory.remove() }
        let empty = directory.path + "/empty", notExecutable = directory.path + "/plain", good = directory.path + "/good"
        for path in [empty, notExecutable, good] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        // A directory of the name, then a file without the execute bit, then the real one.
        try FileManager.default.createDirectory(atPath: empty + "/tool", withIntermediateDirectories: true)
        try #require(FileManager.default.createFile(atPath: notExecutable + "/tool", contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o644]))
        try #require(FileManager.default.createFile(atPath: good + "/tool", contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755]))
        let path = [directory.path + "/missing", empty, notExecutable, good].joined(separator: ":")
        #expect(Subprocess.resolve("tool", path: path) == good + "/tool")
        #expect(Subprocess.resolve("absent-tool", path: path) == "absent-tool")
        #expect(Subprocess.resolve("./tool", path: path) == "./tool")
        #expect(Subprocess.resolve("/usr/bin/env", path: path) == "/usr/bin/env")
    }
}
