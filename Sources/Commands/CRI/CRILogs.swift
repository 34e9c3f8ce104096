import API
import ArgumentParser
import CRIClient
import Core
import Glibc

/// `ctr cri logs ID`: reads the container's CRI log file (from its status' log path) locally,
/// stdout lines to stdout and stderr lines to stderr, as crictl does.
struct CRILogs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Fetch the logs of a container.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Flag(name: [.short, .long], help: "Follow the log until the container stops.") var follow = false
    @Option(help: "Number of lines to show from the end (default: all).") var tail: Int = -1
    @Option(help: ArgumentHelp("Show logs since a relative duration (42m, 1h) or an RFC 3339 time.", valueName: "time"))
    var since: String?
    @Flag(name: [.short, .long], help: "Show timestamps.") var timestamps = false
    @Flag(name: [.short, .long], help: "Print the logs of the previous instance (attempt - 1).") var previous = false
    @Argument(help: "The container ID.", completion: .custom(CRICompletions.containers)) var id: String

    func validate() throws {
        if let since { _ = try Self.sinceTime(since) }
    }

    static func sinceTime(_ text: String, now: Timestamp = .now) throws -> Timestamp {
        if let time = RFC3339.parse(text) { return time }
        let duration = try Durations.parse(text, option: "--since")
        let nanos = duration.nanoseconds
        return Timestamp(unixNanos: now.unixNanos - nanos)
    }

    func run() async throws {
        let sinceTime = try since.map { try Self.sinceTime($0) }
        try await cri.withRuntime { client in
            let status = try await client.containerStatus(id, verbose: false).status
            var path = status.logPath
            guard !path.isEmpty else { throw CtrError.notFound("container \(id) has no log path") }
            if previous {
                guard status.metadata.attempt > 0 else { throw CtrError.notFound("container \(id) has no previous attempt") }
                let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
                path = "\(directory)/\(status.metadata.attempt - 1).log"
            }
            var reader = try CRILogFileReader(path: path)
            defer { reader.close() }
            var printer = CRILogPrinter(timestamps: timestamps, since: sinceTime)
            var messages = reader.readAvailable()
            if !follow || status.state != .containerRunning || previous { messages += reader.finish() }
            if tail >= 0 { messages = Array(messages.suffix(tail)) }
            printer.print(messages)
            guard follow, !previous, status.state == .containerRunning else { return }
            var lastCheck = ContinuousClock.now
            while true {
                try await Task.sleep(for: .milliseconds(200))
                printer.print(reader.readAvailable())
                guard ContinuousClock.now - lastCheck >= .seconds(1) else { continue }
                lastCheck = ContinuousClock.now
                let state = (try? await client.containerStatus(id, verbose: false).status.state) ?? .containerUnknown
                if state != .containerRunning {
                    printer.print(reader.readAvailable() + reader.finish())
                    return
                }
            }
        }
    }
}

/// Reads a CRI log file from where it left off, reopening it when it is rotated.
struct CRILogFileReader {
    let path: String
    var fd: Int32
    var inode: UInt64
    var carry: [UInt8] = []
    var assembler = CRILogAssembler()

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CtrError.notFound("open log file \(path): \(Errno.current)") }
        var info = stat()
        inode = fstat(fd, &info) == 0 ? UInt64(info.st_ino) : 0
    }

    /// Whole messages appended since the last read.
    mutating func readAvailable() -> [CRILogMessage] {
        var messages = drain()
        var info = stat()
        if stat(path, &info) == 0, UInt64(info.st_ino) != inode {
            let reopened = open(path, O_RDONLY | O_CLOEXEC)
            if reopened >= 0 {
                Glibc.close(fd)
                fd = reopened
                inode = UInt64(info.st_ino)
                messages += drain()
            }
        }
        return messages
    }

    private mutating func drain() -> [CRILogMessage] {
        var messages: [CRILogMessage] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            carry.append(contentsOf: buffer[0..<count])
            while let newline = carry.firstIndex(of: 0x0A) {
                let line = String(decoding: carry[..<newline], as: UTF8.self)
                carry.removeSubrange(...newline)
                if let message = assembler.add(line[...]) { messages.append(message) }
            }
        }
        return messages
    }

    func close() { _ = Glibc.close(fd) }

    /// What is left at the end: an unterminated line and partial messages.
    mutating func finish() -> [CRILogMessage] {
        var messages: [CRILogMessage] = []
        if !carry.isEmpty {
            if let message = assembler.add(String(decoding: carry, as: UTF8.self)[...]) { messages.append(message) }
            carry.removeAll()
        }
        return messages + assembler.flush()
    }
}

/// Writes messages to stdout or stderr by stream, with optional timestamps and a start time.
struct CRILogPrinter {
    let timestamps: Bool
    let since: Timestamp?

    mutating func print(_ messages: [CRILogMessage]) {
        for message in messages {
            if let since, let time = RFC3339.parse(message.timestamp), time < since { continue }
            var text = timestamps && !message.timestamp.isEmpty ? message.timestamp + " " : ""
            text += message.content
            if message.complete { text += "\n" }
            _ = FileIO.writeAll(message.stream == .stderr ? 2 : 1, Array(text.utf8)[...])
        }
    }
}
