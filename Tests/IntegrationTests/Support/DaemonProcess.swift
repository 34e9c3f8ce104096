import Core
import Foundation
import Testing
import TestSupport

/// A real `ctr daemon` (or containerd) started on a temporary root, state and socket. Killed on
/// deinit if still running.
final class DaemonProcess {
    /// Spawned and reaped here (posix_spawn, waitpid) rather than through Foundation's Process,
    /// whose child monitoring missed a SIGKILLed daemon's exit in this suite.
    private(set) var pid: Int32 = 0
    private var status: Int32?
    let directory: String
    let socket: String
    let logPath: String

    /// Starts `ctr daemon` with `config` (root, state and address come from flags) and, unless told
    /// otherwise, waits until its socket accepts connections.
    static func ours(in directory: String, config: String = "version = 2\n", waitForReady: Bool = true) throws
        -> DaemonProcess
    {
        let configPath = directory + "/config.toml"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let socket = directory + "/ctr.sock"
        let arguments = ["daemon", "--config", configPath, "--root", directory + "/root",
                         "--state", directory + "/state", "--address", socket, "--log-level", "debug"]
        return try DaemonProcess(executable: ctrBinary, arguments: arguments, directory: directory, socket: socket,
                                 waitForReady: waitForReady)
    }

    /// Starts Debian's containerd 1.6 on a temporary root, with its CRI plugin off, or configured
    /// with `cri` (TOML lines for `[plugins."io.containerd.grpc.v1.cri"]` and its subtables).
    static func containerd(in directory: String, cri: String? = nil) throws -> DaemonProcess {
        let socket = directory + "/containerd.sock"
        let config = """
            version = 2
            root = "\(directory)/root"
            state = "\(directory)/state"
            \(cri == nil ? "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]" : "")
            [grpc]
              address = "\(socket)"
            [ttrpc]
              address = "\(directory)/containerd.sock.ttrpc"
            [plugins."io.containerd.internal.v1.opt"]
              path = "\(directory)/opt"
            \(cri ?? "")
            """
        let configPath = directory + "/containerd.toml"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        return try DaemonProcess(executable: containerdBinary, arguments: ["--config", configPath],
                                 directory: directory, socket: socket, waitForReady: true)
    }

    private init(executable: String, arguments: [String], directory: String, socket: String,
                 waitForReady: Bool) throws {
        self.directory = directory
        self.socket = socket
        self.logPath = directory + "/daemon-\(UUID().uuidString.prefix(8)).log"
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        let log = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer {
            close(null)
            close(log)
        }
        pid = try Subprocess.spawn([executable] + arguments, stdin: null, stdout: null, stderr: log)
        if waitForReady { try self.waitForReady() }
    }

    /// Whether the process is still running (reaping it when it has exited).
    var isRunning: Bool {
        if status != nil { return false }
        var raw: Int32 = 0
        let result = waitpid(pid, &raw, WNOHANG)
        if result == pid {
            status = Subprocess.exitCode(raw)
            return false
        }
        return result == 0
    }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until the socket accepts a connection; fails with the daemon's log if it exits first.
    func waitForReady(timeout: Duration = .seconds(30)) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !isRunning {
                throw TestFailure("daemon exited with \(status ?? -1) before it was ready:\n\(log)")
            }
            if UnixSocket.probe(socket) == nil { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw TestFailure("daemon not ready after \(timeout):\n\(log)")
    }

    /// Waits for the process to exit and returns its status.
    @discardableResult
    func wait(timeout: Duration = .seconds(30)) throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            if ContinuousClock.now >= deadline {
                throw TestFailure("daemon still running after \(timeout):\n\(log)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return status ?? -1
    }

    func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    /// SIGTERM, then wait; returns the exit status.
    @discardableResult
    func stop() throws -> Int32 {
        signal(SIGTERM)
        return try wait()
    }

    /// SIGKILL, then reap: a crash.
    func crash() throws {
        signal(SIGKILL)
        try wait()
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            _ = Subprocess.wait(pid)
        }
    }
}
