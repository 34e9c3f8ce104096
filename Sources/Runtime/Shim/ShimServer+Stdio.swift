import CLinux
import Core
import Glibc

extension ShimServer {
    /// Copies bytes from one descriptor to another without blocking the loop.
    final class Pump {
        var source: Int32
        var target: Int32
        var buffer: [UInt8] = []
        var offset = 0
        var sourceDone = false
        var targetBroken = false
        /// CRI log records instead of raw bytes.
        var formatter: CRILogFormatter?
        /// The file the target was opened from (reopened on request).
        var logPath: String?

        init(source: Int32, target: Int32) {
            self.source = source
            self.target = target
        }

        var finished: Bool { sourceDone && (offset >= buffer.count || targetBroken) }

        func closeAll() {
            if source >= 0 { close(source) }
            if target >= 0 { close(target) }
            source = -1
            target = -1
        }
    }

    /// Moves one step of `pump`: writes what is buffered, or reads the next chunk.
    func service(_ pump: Pump) {
        if pump.offset < pump.buffer.count && !pump.targetBroken {
            let written = pump.buffer[pump.offset...].withUnsafeBytes { write(pump.target, $0.baseAddress, $0.count) }
            if written > 0 {
                pump.offset += written
                if pump.offset >= pump.buffer.count {
                    pump.buffer.removeAll(keepingCapacity: true)
                    pump.offset = 0
                }
            } else if written < 0 && errno != EAGAIN && errno != EINTR {
                pump.targetBroken = true
            }
            return
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { read(pump.source, $0.baseAddress, $0.count) }
        if count > 0 {
            if !pump.targetBroken {
                pump.buffer = pump.formatter?.format(chunk[0..<count]) ?? Array(chunk[0..<count])
                pump.offset = 0
            }
        } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
            // End of stream (EIO from a terminal whose other side closed counts too).
            pump.sourceDone = true
            if let rest = pump.formatter?.flush(), !rest.isEmpty, !pump.targetBroken {
                pump.buffer = rest
                pump.offset = 0
            }
        }
    }

    func addPump(source: Int32, target: Int32) -> Pump {
        _ = fcntl(source, F_SETFL, fcntl(source, F_GETFL) | O_NONBLOCK)
        _ = fcntl(target, F_SETFL, fcntl(target, F_GETFL) | O_NONBLOCK)
        let pump = Pump(source: source, target: target)
        pumps.append(pump)
        return pump
    }

    func closePump(_ pump: Pump?) {
        guard let pump else { return }
        pump.closeAll()
        pumps.removeAll { $0 === pump }
    }

    /// Descriptors for the process's stdin, stdout and stderr (the caller closes them once runc
    /// has them), with pumps to and from the FIFOs or log files the client named.
    func openIO(_ process: Process) throws(CtrError) -> [Int32] {
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard null >= 0 else { throw .internalError("shim: open /dev/null: \(Errno.current)") }
        var fds = [null, dup(null), dup(null)]
        if process.terminal { return fds }
        if !process.stdin.isEmpty {
            var pipe: [Int32] = [0, 0]
            let fifo = open(process.stdin, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard fifo >= 0, ctr_pipe_cloexec(&pipe) == 0 else {
                throw .invalidArgument("open stdin \(process.stdin): \(Errno.current)")
            }
            close(fds[0])
            fds[0] = pipe[0]
            process.stdinPump = addPump(source: fifo, target: pipe[1])
        }
        for (index, path) in [(1, process.stdout), (2, process.stderr)] where !path.isEmpty {
            var pipe: [Int32] = [0, 0]
            let name = index == 1 ? "stdout" : "stderr"
            let target = openOutput(path)
            guard target >= 0, ctr_pipe_cloexec(&pipe) == 0 else {
                throw .invalidArgument("open \(name) \(Self.filePath(path) ?? path): \(Errno.current)")
            }
            close(fds[index])
            fds[index] = pipe[1]
            process.outputPumps.append(addOutputPump(process, stream: name, source: pipe[0], target: target, path: path))
        }
        return fds
    }

    /// After runc sent the terminal's master over the console socket: pumps both ways.
    func attachConsole(_ process: Process, socket: Int32) throws(CtrError) {
        let connection = ctr_accept_cloexec(socket)
        guard connection >= 0 else { throw .internalError("shim: console socket: \(Errno.current)") }
        defer { close(connection) }
        let master = ctr_receive_fd(connection)
        guard master >= 0 else { throw .internalError("shim: no terminal received from runc") }
        process.console = master
        if !process.stdout.isEmpty {
            let target = openOutput(process.stdout)
            if target >= 0 {
                _ = addOutputPump(process, stream: "stdout", source: dup(master), target: target, path: process.stdout)
            }
        }
        if !process.stdin.isEmpty {
            let fifo = open(process.stdin, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            if fifo >= 0 { process.stdinPump = addPump(source: fifo, target: dup(master)) }
        }
    }

    /// Opens where a process's output goes: a `file://` log (appended to, created if missing), or a
    /// FIFO, opened read-write so that opening never blocks and writes never fail for want of a reader.
    func openOutput(_ path: String) -> Int32 {
        if let file = Self.filePath(path) { return open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640) }
        return open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
    }

    /// A pump from the process's `stream` to `target`, writing CRI log records to log files of CRI
    /// processes.
    func addOutputPump(_ process: Process, stream: String, source: Int32, target: Int32, path: String) -> Pump {
        let pump = addPump(source: source, target: target)
        pump.logPath = Self.filePath(path)
        if pump.logPath != nil && process.criLog {
            pump.formatter = CRILogFormatter(stream: stream, maxLine: process.maxLogLine)
        }
        return pump
    }

    /// The path of a `file://` URL; nil for a plain path (a FIFO).
    static func filePath(_ path: String) -> String? {
        path.hasPrefix("file://") ? String(path.dropFirst("file://".count)) : nil
    }

    /// Reopens every log file being written (kubelet moved the old one away).
    func reopenLogs() throws(CtrError) {
        for pump in pumps {
            guard let path = pump.logPath else { continue }
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
            guard fd >= 0 else { throw .internalError("reopen log \(path): \(Errno.current)") }
            close(pump.target)
            pump.target = fd
        }
    }
}
