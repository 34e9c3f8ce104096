import Core
import Glibc
import NIOCore
import Streaming

extension RemoteCommandSession {
    /// Attach: the container's output as its CRI log file receives it (so attachers never slow the
    /// container or the log, and any number can watch), its stdin through the FIFO the shim reads.
    func startAttach(_ id: String, stdin: Bool) {
        guard let container = try? service.container(id), container.status.phase == .running else {
            failed("container \"\(id)\" is not running")
            return
        }
        phase = .running
        follower = LogFollower(path: container.status.logPath)
        if stdin {
            let path = service.containerStdinPath(id)
            let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            if fd >= 0 { attachStdin(fd) } else { logger.info("attach: no stdin FIFO", metadata: ["container.id": "\(id)"]) }
        }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        followTask = eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(20), delay: .milliseconds(20)) { _ in
            bound.value.follow()
        }
    }

    /// One poll of the log: new records go out (while the client keeps up); once the container has
    /// stopped and the log is drained, the session ends.
    func follow() {
        guard phase == .running, let follower, let sink else { return }
        guard sink.channel.isWritable else { return }
        let running = (try? service.container(containerID))?.status.phase == .running
        var wantStdout = true, wantStderr = true
        if case .attach(_, _, _, let stdout, let stderr) = request {
            wantStdout = stdout
            wantStderr = stderr
        }
        for _ in 0..<8 {
            let records = follower.read()
            if records.isEmpty { break }
            for record in records {
                if record.stream == "stderr" && wantStderr {
                    sink.send(.stderr, record.bytes)
                } else if record.stream != "stderr" && wantStdout {
                    sink.send(.stdout, record.bytes)
                }
            }
            if !sink.channel.isWritable { return }
        }
        if !running {
            phase = .done
            sink.end(.stdout)
            sink.end(.stderr)
            sink.finish(.success)
            cleanUp()
        }
    }
}

/// Follows a CRI log file from its end: reads what was appended and decodes the records
/// (`<time> <stream> <P|F> <text>`; F ends a line). A file replaced or truncated by rotation is
/// reopened from its start.
final class LogFollower {
    let path: String
    var fd: Int32 = -1
    var inode: UInt64 = 0
    var offset: Int64 = 0
    var partial: [UInt8] = []
    /// One read's buffer, kept between reads.
    var chunk = [UInt8](repeating: 0, count: 32 << 10)

    init(path: String) {
        self.path = path
        open(atEnd: true)
    }

    deinit { if fd >= 0 { close(fd) } }

    private func open(atEnd: Bool) {
        if fd >= 0 { close(fd) }
        fd = path.isEmpty ? -1 : Glibc.open(path, O_RDONLY | O_CLOEXEC)
        var info = stat()
        if fd >= 0 && fstat(fd, &info) == 0 {
            inode = UInt64(info.st_ino)
            offset = atEnd ? Int64(info.st_size) : 0
        }
        partial = []
    }

    /// The records appended since the last call (at most 32 KiB of file per call).
    func read() -> [(stream: String, bytes: [UInt8])] {
        var info = stat()
        if !path.isEmpty, stat(path, &info) == 0, UInt64(info.st_ino) != inode || Int64(info.st_size) < offset {
            open(atEnd: false)
        }
        guard fd >= 0 else { return [] }
        let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
        guard count > 0 else { return [] }
        offset += Int64(count)
        partial += chunk[0..<count]
        var records: [(String, [UInt8])] = []
        // Lines are cut from where the last one ended; what was consumed goes once, at the end.
        var start = partial.startIndex
        while let newline = partial[start...].firstIndex(of: 0x0a) {
            let line = partial[start..<newline]
            start = newline + 1
            let fields = line.split(separator: 0x20, maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count >= 3 else { continue }
            let stream = String(decoding: fields[1], as: UTF8.self)
            var text = fields.count == 4 ? Array(fields[3]) : []
            if fields[2].first == UInt8(ascii: "F") { text.append(0x0a) }
            records.append((stream, text))
        }
        partial.removeFirst(start - partial.startIndex)
        if partial.count > 1 << 20 { partial = [] }
        return records
    }
}
