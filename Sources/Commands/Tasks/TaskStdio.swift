import Client
import Core
import Dispatch
import Glibc

/// A process's stdio on the client side: FIFOs in a private directory that the shim opens, and
/// threads copying between them and this process's stdin, stdout and stderr.
final class TaskStdio: @unchecked Sendable {
    // @unchecked: the paths are immutable; the copy threads touch only their own descriptors, and
    // `done` is a semaphore.
    let directory: String
    let io: TaskIO
    private let done = DispatchSemaphore(value: 0)
    private var outputs = 0
    private var savedTerminal: termios?

    /// FIFOs for stdin (unless `stdin` is false), stdout and (without a terminal) stderr.
    init(id: String, terminal: Bool, stdin: Bool = true) throws {
        let base = "/run/ctr/fifo"
        _ = mkdir("/run/ctr", 0o711)
        _ = mkdir(base, 0o700)
        var template = Array("\(base)/\(id.prefix(32))-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw CtrError.internalError("create FIFO directory under \(base): \(Errno.current)")
        }
        directory = String(cString: made)
        let names = (stdin ? ["stdin"] : []) + ["stdout"] + (terminal ? [] : ["stderr"])
        for name in names where mkfifo(directory + "/" + name, 0o600) != 0 {
            throw CtrError.internalError("create FIFO \(directory)/\(name): \(Errno.current)")
        }
        io = TaskIO(stdin: stdin ? directory + "/stdin" : "", stdout: directory + "/stdout",
                    stderr: terminal ? "" : directory + "/stderr", terminal: terminal)
    }

    /// Starts copying: the FIFOs open when the shim opens its ends.
    func start() {
        for (path, fd) in [(io.stdout, Int32(1)), (io.stderr, Int32(2))] where !path.isEmpty {
            outputs += 1
            BlockingThread.start { [done] in
                let fifo = open(path, O_RDONLY | O_CLOEXEC)
                if fifo >= 0 {
                    Self.copy(from: fifo, to: fd)
                    Glibc.close(fifo)
                }
                done.signal()
            }
        }
        if !io.stdin.isEmpty {
            let path = io.stdin
            BlockingThread.start {
                let fifo = open(path, O_WRONLY | O_CLOEXEC)
                guard fifo >= 0 else { return }
                Self.copy(from: 0, to: fifo)
                Glibc.close(fifo)
            }
        }
    }

    /// Waits until stdout and stderr reached their end (the process and its children closed them).
    func waitForOutput(timeout: Duration = .seconds(5)) {
        for _ in 0..<outputs {
            let nanos = timeout.nanoseconds
            _ = done.wait(timeout: .now() + .nanoseconds(Int(nanos)))
        }
        outputs = 0
    }

    /// Releases copy threads still waiting for the shim (e.g. when create failed) and removes
    /// the FIFOs.
    func close() {
        for path in [io.stdout, io.stderr] where !path.isEmpty {
            let fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
            if fd >= 0 { Glibc.close(fd) }
        }
        restoreTerminal()
        for path in [io.stdin, io.stdout, io.stderr] where !path.isEmpty { unlink(path) }
        rmdir(directory)
    }

    /// Puts this process's terminal in raw mode (keys go to the container unprocessed).
    func makeRaw() {
        guard isatty(0) == 1 else { return }
        var attributes = termios()
        guard tcgetattr(0, &attributes) == 0 else { return }
        savedTerminal = attributes
        cfmakeraw(&attributes)
        tcsetattr(0, TCSANOW, &attributes)
    }

    func restoreTerminal() {
        guard var saved = savedTerminal else { return }
        tcsetattr(0, TCSANOW, &saved)
        savedTerminal = nil
    }

    /// This terminal's size, if stdout is one.
    static func windowSize() -> (width: UInt32, height: UInt32)? {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return (UInt32(size.ws_col), UInt32(size.ws_row))
    }

    static func copy(from source: Int32, to target: Int32) {
        var buffer = [UInt8](repeating: 0, count: 32768)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            if FileIO.writeAll(target, buffer[0..<count]) != nil { return }
        }
    }
}

/// Forwards SIGINT, SIGTERM and SIGHUP to a task while `ctr` waits for it, and SIGWINCH as
/// terminal resizes.
final class SignalForwarder: @unchecked Sendable {
    // @unchecked: the sources are created once and only cancelled.
    private var sources: [any DispatchSourceSignal] = []

    init(forward: @escaping @Sendable (Int32) -> Void, resize: (@Sendable () -> Void)?) {
        var signals = [SIGINT, SIGTERM, SIGHUP]
        if resize != nil { signals.append(SIGWINCH) }
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if number == SIGWINCH { resize?() } else { forward(number) }
            }
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        for source in sources { source.cancel() }
        sources = []
    }
}
