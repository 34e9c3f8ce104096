internal import CLinux
import Glibc

/// Runs short helper programs (cp, runc …) to completion, capturing what they print.
public enum Subprocess {
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
        public var error: String
    }

    /// Runs `arguments[0]` (looked up in PATH) with `arguments`, with stdin from /dev/null or, when
    /// given, `input` (at most a pipe's buffer, 64 KiB), and the daemon's environment or `environment`.
    public static func run(_ arguments: [String], input: [UInt8]? = nil,
                           environment: [String]? = nil) throws(CtrError) -> Result {
        guard let program = arguments.first else { throw .invalidArgument("no program to run") }
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        var inPipe: [Int32] = [-1, -1]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0, input == nil || pipe(&inPipe) == 0 else {
            throw .internalError("run \(program): pipe: \(Errno.current)")
        }
        for fd in outPipe + errPipe + inPipe where fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        if let input {
            guard input.count <= 65536 else { throw .invalidArgument("run \(program): input over 64 KiB") }
            _ = input.withUnsafeBytes { write(inPipe[1], $0.baseAddress, $0.count) }
            close(inPipe[1])
        }
        defer { if inPipe[0] >= 0 { close(inPipe[0]) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if input != nil {
            posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        _ = ctr_spawn_close_from(&actions, 3)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let envp = environment.map { $0.map { strdup($0) } + [nil] }
        defer { for pointer in envp ?? [] { free(pointer) } }
        var attributes = posix_spawnattr_t()
        cleanSignals(&attributes, newSession: false)
        defer { posix_spawnattr_destroy(&attributes) }
        let rc: Int32
        if var envp {
            rc = posix_spawnp(&pid, program, &actions, &attributes, argv, &envp)
        } else {
            rc = posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
        }
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw .internalError("run \(program): \(Errno(rc))")
        }
        // Drain both pipes without deadlock: poll them together.
        var out: [UInt8] = []
        var err: [UInt8] = []
        var fds = [pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0),
                   pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)]
        var open = 2
        var buffer = [UInt8](repeating: 0, count: 65536)
        while open > 0 {
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in 0..<2 where fds[index].fd >= 0 && fds[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(fds[index].fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    if index == 0 { out.append(contentsOf: buffer[0..<count]) } else { err.append(contentsOf: buffer[0..<count]) }
                } else if count == 0 || errno != EINTR {
                    close(fds[index].fd)
                    fds[index].fd = -1
                    open -= 1
                }
            }
        }
        return Result(status: wait(pid), output: String(decoding: out, as: UTF8.self),
                      error: String(decoding: err, as: UTF8.self))
    }
}

extension Subprocess {
    /// Starts `arguments[0]` (an absolute path, or looked up in PATH) with the given descriptors
    /// as its stdin, stdout and stderr, optionally in a new session; returns its pid.
    public static func spawn(_ arguments: [String], stdin: Int32, stdout: Int32, stderr: Int32,
                             newSession: Bool = false) throws(CtrError) -> Int32 {
        guard let program = arguments.first else { throw .invalidArgument("no program to run") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        // Nothing else leaks into the child: not the daemon's listening socket, not a lock.
        _ = ctr_spawn_close_from(&actions, 3)
        var attributes = posix_spawnattr_t()
        cleanSignals(&attributes, newSession: newSession)
        defer { posix_spawnattr_destroy(&attributes) }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw .internalError("run \(program): \(Errno(rc))") }
        return pid
    }

    /// `program` as `posix_spawnp` would find it: unchanged when it names a path, else the first
    /// executable regular file of that name in PATH; unchanged when there is none (running it
    /// then fails as before). A caller that runs the same program often (a shim runs runc for
    /// every exec) resolves it once instead of failing through PATH on every start.
    public static func resolve(_ program: String, path: String? = nil) -> String {
        guard !program.contains("/"), !program.isEmpty else { return program }
        let search = path ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in search.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + program
            var info = stat()
            guard stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 else { continue }
            return candidate
        }
        return program
    }

    /// Initializes spawn attributes under which the child starts with default signal handling and
    /// nothing blocked, whatever the parent ignores or blocks (a shim ignores SIGPIPE, for one; runc
    /// and the container must not inherit that), optionally in a new session.
    static func cleanSignals(_ attributes: inout posix_spawnattr_t, newSession: Bool) {
        posix_spawnattr_init(&attributes)
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        var flags = Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if newSession { flags |= Int16(0x80) }  // POSIX_SPAWN_SETSID
        posix_spawnattr_setflags(&attributes, flags)
    }

    /// Waits for `pid` and returns its exit code (128 + signal when killed).
    public static func wait(_ pid: Int32) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return exitCode(status)
    }

    /// The exit code in a wait status: the code, or 128 + the signal that killed it.
    public static func exitCode(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
