import Core

/// The control protocol between the daemon and a `ctr shim`: one JSON request and one JSON
/// response per connection on the shim's Unix socket, each a single line. `wait` holds its
/// connection open until the process exits; so does an exec started with `wait`, which is
/// answered twice: once started, and again with its exit.
public struct ShimRequest: Codable, Sendable {
    public enum Operation: String, Codable, Sendable {
        case create, start, state, kill, wait, exec, resize, closeIO, pause, resume, pids, update, delete, shutdown
        /// Closes and reopens the CRI log file (after kubelet rotated it).
        case reopenLog
    }

    public var op: Operation
    /// The exec process; nil means the container's init process.
    public var execID: String?
    public var stdin: String?
    public var stdout: String?
    public var stderr: String?
    public var terminal: Bool?
    public var signal: Int32?
    public var all: Bool?
    public var width: UInt32?
    public var height: UInt32?
    /// Exec: the OCI process spec as JSON. Update: the OCI resources as JSON.
    public var document: String?
    /// Output paths may be `file://` URLs: the shim appends to those files itself. With
    /// `logFormat` "cri" it writes CRI log records (lines over `maxLogLine` bytes split).
    public var logFormat: String?
    public var maxLogLine: Int?
    /// Create: start the process as well, with one runc invocation (`runc run --detach`) instead
    /// of two (`create`, then `start`). Exec: start it in the same request. For callers that start
    /// at once: the CRI plugin.
    public var start: Bool?
    /// Exec with `start`: after the answer that it started, the connection stays open and a
    /// second answer comes when the process exits, as to a `wait` sent at once (the CRI plugin's
    /// streaming exec, which waits anyway; one connection and one round trip fewer).
    public var wait: Bool?

    public init(op: Operation, execID: String? = nil) {
        self.op = op
        self.execID = execID
    }
}

/// A process's state as the shim reports it.
public struct ShimProcessState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case created, running, stopped, paused
    }

    public var execID: String?
    public var pid: Int32
    public var status: Status
    public var exitStatus: UInt32
    /// Unix nanoseconds; 0 while running.
    public var exitedAt: Int64
    public var stdin: String
    public var stdout: String
    public var stderr: String
    public var terminal: Bool

    public init(execID: String?, pid: Int32, status: Status, exitStatus: UInt32, exitedAt: Int64, stdin: String,
                stdout: String, stderr: String, terminal: Bool) {
        self.execID = execID
        self.pid = pid
        self.status = status
        self.exitStatus = exitStatus
        self.exitedAt = exitedAt
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.terminal = terminal
    }
}

public struct ShimResponse: Codable, Sendable {
    /// On failure: the error code (`CtrError.Code` name) and message.
    public var errorCode: String?
    public var errorMessage: String?
    public var state: ShimProcessState?
    /// `pids`: process IDs in the container.
    public var pids: [Int32]?

    public init() {}

    public init(error: CtrError) {
        errorCode = error.code.name
        errorMessage = error.message
    }

    public var error: CtrError? {
        guard let errorCode else { return nil }
        return CtrError(CtrError.Code(name: errorCode), errorMessage ?? "shim error")
    }
}
