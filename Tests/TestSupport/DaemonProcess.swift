import Core
import Foundation

/// The `ctr` binary built beside the test bundle (override with CTR_BINARY).
public let ctrBinary: String = {
    if let path = ProcessInfo.processInfo.environment["CTR_BINARY"] { return path }
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return exe.deletingLastPathComponent().appendingPathComponent("ctr").path
}()

/// Debian's containerd 1.6 and its `ctr`.
public let containerdBinary = "/usr/bin/containerd"
public let containerdCtr = "/usr/bin/ctr"

/// A real `ctr daemon` (or containerd) started on a temporary root, state and socket. Killed on
/// deinit if still running.
public final class DaemonProcess {
    /// Spawned and reaped here (posix_spawn, waitpid) rather than through Foundation's Process,
    /// whose child monitoring missed a SIGKILLed daemon's exit in this suite.
    public private(set) var pid: Int32 = 0
    private var status: Int32?
    public let directory: String
    public let socket: String
    public let logPath: String

    /// Starts `ctr daemon` with `config` (root, state and address come from flags) and, unless told
    /// otherwise, waits until its socket accepts connections. `environment` adds variables (through
    /// env(1), which execs the daemon: the pid stays the daemon's).
    public static func ours(in directory: String, config: String = "version = 2\n", waitForReady: Bool = true,
                            environment: [String: String] = [:]) throws -> DaemonProcess
    {
        let configPath = directory + "/config.toml"
        try config.write(toFile: configPath, atomically: false, encoding: .utf8)
        let socket = directory + "/ctr.sock"
        let arguments = ["daemon", "--config", configPath, "--root", directory + "/root",
                         "--state", directory + "/state", "--address", socket, "--log-level", "debug"]
        if !environment.isEmpty {
            let variables = environment.sorted { $0.key < $1.key }.map { $0.key + "=" + $0.value }
            return try DaemonProcess(executable: "/usr/bin/env", arguments: variables + [ctrBinary] + arguments,
                                     directory: directory, socket: socket, waitForReady: waitForReady)
        }
        return try DaemonProcess(executable: ctrBinary, arguments: arguments, directory: directory, socket: socket,
                                 waitForReady: waitForReady)
    }

    /// Starts Debian's containerd 1.6 on a temporary root, with its CRI plugin off, or configured
    /// with `cri` (TOML lines for `[plugins."io.containerd.grpc.v1.cri"]` and its subtables).
    public static func containerd(in directory: String, cri: String? = nil) throws -> DaemonProcess {
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
        try config.write(toFile: configPath, atomically: false, encoding: .utf8)
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
    public var isRunning: Bool {
        if status != nil { return false }
        var raw: Int32 = 0
        let result = waitpid(pid, &raw, WNOHANG)
        if result == pid {
            status = Subprocess.exitCode(raw)
            return false
        }
        return result == 0
    }
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until the socket accepts a connection; fails with the daemon's log if it exits first.
    public func waitForReady(timeout: Duration = .seconds(30)) throws {
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
    public func wait(timeout: Duration = .seconds(30)) throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            if ContinuousClock.now >= deadline {
                throw TestFailure("daemon still running after \(timeout):\n\(log)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return status ?? -1
    }

    public func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    /// SIGTERM, then wait; returns the exit status.
    @discardableResult
    public func stop() throws -> Int32 {
        signal(SIGTERM)
        return try wait()
    }

    /// SIGKILL, then reap: a crash.
    public func crash() throws {
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
