import CLinux
import Core
import Glibc
import Streaming

/// What a stream connection's wire (SPDY streams or WebSocket channels) turns bytes into.
enum WireEvent {
    case data(RemoteCommand.Channel, [UInt8])
    case end(RemoteCommand.Channel)
    case reply([UInt8])
    case goAway
}

/// The framing of a remotecommand session on one transport.
protocol RemoteCommandWire {
    /// What opens the session (SPDY: one SYN_STREAM per channel).
    mutating func open(_ channels: [RemoteCommand.Channel]) throws(CtrError) -> [UInt8]
    mutating func encode(_ channel: RemoteCommand.Channel, _ bytes: [UInt8]) throws(CtrError) -> [UInt8]
    mutating func end(_ channel: RemoteCommand.Channel) throws(CtrError) -> [UInt8]
    mutating func decode(_ bytes: [UInt8]) throws(CtrError) -> [WireEvent]
}

struct SPDYClientWire: RemoteCommandWire {
    let reader = SPDYFrameReader()
    let writer = SPDYFrameWriter()
    var ids: [RemoteCommand.Channel: UInt32] = [:]
    var channels: [UInt32: RemoteCommand.Channel] = [:]

    mutating func open(_ wanted: [RemoteCommand.Channel]) throws(CtrError) -> [UInt8] {
        var bytes: [UInt8] = []
        var next: UInt32 = 1
        for channel in wanted {
            ids[channel] = next
            channels[next] = channel
            bytes += try writer.encode(.synStream(streamID: next, associatedTo: 0, flags: 0,
                                                  headers: SPDYHeaders([("streamType", channel.rawValue)])))
            next += 2
        }
        return bytes
    }

    mutating func encode(_ channel: RemoteCommand.Channel, _ bytes: [UInt8]) throws(CtrError) -> [UInt8] {
        guard let id = ids[channel] else { return [] }
        return try writer.encode(.data(streamID: id, flags: 0, bytes: bytes))
    }

    mutating func end(_ channel: RemoteCommand.Channel) throws(CtrError) -> [UInt8] {
        guard let id = ids[channel] else { return [] }
        return try writer.encode(.data(streamID: id, flags: SPDYFrame.fin, bytes: []))
    }

    mutating func decode(_ bytes: [UInt8]) throws(CtrError) -> [WireEvent] {
        reader.append(bytes)
        var events: [WireEvent] = []
        while let frame = try reader.next() {
            switch frame {
            case .data(let id, let flags, let payload):
                guard let channel = channels[id] else { continue }
                if !payload.isEmpty { events.append(.data(channel, payload)) }
                if flags & SPDYFrame.fin != 0 { events.append(.end(channel)) }
            case .synReply(let id, let flags, _), .headers(let id, let flags, _):
                if flags & SPDYFrame.fin != 0, let channel = channels[id] { events.append(.end(channel)) }
            case .rstStream(let id, _):
                if let channel = channels[id] { events.append(.end(channel)) }
            case .ping(let id):
                events.append(.reply(try writer.encode(.ping(id: id))))
            case .goAway:
                events.append(.goAway)
            case .synStream(let id, _, _, _):
                events.append(.reply(try writer.encode(.rstStream(streamID: id, status: SPDYFrame.Status.refusedStream))))
            case .settings, .windowUpdate, .unknown:
                break
            }
        }
        return events
    }
}

struct WebSocketClientWire: RemoteCommandWire {
    let reader = WebSocketFrameReader(expectMasked: false)
    let writer = WebSocketFrameWriter(masking: true)
    let version: Int

    mutating func open(_ channels: [RemoteCommand.Channel]) throws(CtrError) -> [UInt8] { [] }

    mutating func encode(_ channel: RemoteCommand.Channel, _ bytes: [UInt8]) throws(CtrError) -> [UInt8] {
        writer.encode(WebSocketMessage(.binary, [channel.number] + bytes))
    }

    mutating func end(_ channel: RemoteCommand.Channel) throws(CtrError) -> [UInt8] {
        version >= 5 ? writer.encode(WebSocketMessage(.binary, [255, channel.number])) : []
    }

    mutating func decode(_ bytes: [UInt8]) throws(CtrError) -> [WireEvent] {
        reader.append(bytes)
        var events: [WireEvent] = []
        while let message = try reader.next() {
            switch message.kind {
            case .binary, .text:
                guard let number = message.payload.first else { continue }
                if number == 255, message.payload.count > 1, let channel = RemoteCommand.Channel(number: message.payload[1]) {
                    events.append(.end(channel))
                } else if let channel = RemoteCommand.Channel(number: number), message.payload.count > 1 {
                    events.append(.data(channel, Array(message.payload.dropFirst())))
                }
            case .ping:
                events.append(.reply(writer.encode(WebSocketMessage(.pong, message.payload))))
            case .close:
                events.append(.reply(writer.encode(WebSocketMessage(.close, Array(message.payload.prefix(2))))))
                events.append(.goAway)
            case .pong, .continuation:
                break
            }
        }
        return events
    }
}

/// The client side of exec and attach: the local terminal or pipes joined to the remote
/// process's channels, in one poll loop (socket, stdin, SIGWINCH), until the server reports the
/// outcome on the error channel.
public struct RemoteCommandClient {
    public var stdin: Bool
    public var stdout: Bool
    public var stderr: Bool
    public var tty: Bool
    public var input: Int32 = 0
    public var output: Int32 = 1
    public var errorOutput: Int32 = 2

    public init(stdin: Bool, stdout: Bool, stderr: Bool, tty: Bool) {
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr && !tty
        self.tty = tty
    }

    /// The protocols offered for `transport`, newest first.
    public static func protocols(_ transport: StreamConnection.Transport) -> [String] {
        transport == .spdy ? RemoteCommand.spdyProtocols : ["v5.channel.k8s.io", "v4.channel.k8s.io", "channel.k8s.io"]
    }

    public func run(_ connection: borrowing StreamConnection) throws(CtrError) -> RemoteCommand.Outcome {
        let version = RemoteCommand.version(connection.protocolName)
        var wire: any RemoteCommandWire = connection.transport == .spdy
            ? SPDYClientWire() : WebSocketClientWire(version: version)
        var channels: [RemoteCommand.Channel] = [.error]
        if stdin { channels.append(.stdin) }
        if stdout { channels.append(.stdout) }
        if stderr { channels.append(.stderr) }
        if tty && version >= 3 { channels.append(.resize) }
        var outgoing = OutgoingBuffer()
        outgoing.append(try wire.open(channels))

        let terminal = tty && isatty(input) == 1
        var saved = termios()
        if terminal && tcgetattr(input, &saved) == 0 {
            var raw = saved
            cfmakeraw(&raw)
            _ = tcsetattr(input, TCSANOW, &raw)
        }
        defer { if terminal { _ = tcsetattr(input, TCSANOW, &saved) } }
        let winch = terminal && channels.contains(.resize) ? ctr_sigwinch_fd() : -1
        if terminal && channels.contains(.resize) { outgoing.append(try wire.encode(.resize, terminalSize())) }

        var errorBytes: [UInt8] = []
        var errorEnded = false
        var openOutputs = Set(channels.filter { $0 == .stdout || $0 == .stderr })
        var stdinOpen = stdin
        var goAway = false
        var pendingInput = connection.leftover
        var socketOpen = true
        while socketOpen {
            if !pendingInput.isEmpty {
                for event in try wire.decode(pendingInput) {
                    switch event {
                    case .data(.stdout, let bytes): try put(output, bytes)
                    case .data(.stderr, let bytes): try put(errorOutput, bytes)
                    case .data(.error, let bytes): errorBytes += bytes
                    case .data: break
                    case .end(.error): errorEnded = true
                    case .end(let channel): openOutputs.remove(channel)
                    case .reply(let bytes): outgoing.append(bytes)
                    case .goAway: goAway = true
                    }
                }
                pendingInput = []
            }
            if errorEnded && (openOutputs.isEmpty || goAway) { break }
            var fds = [pollfd(fd: connection.fd, events: Int16(POLLIN) | (outgoing.pending > 0 ? Int16(POLLOUT) : 0), revents: 0)]
            let watchInput = stdinOpen && outgoing.pending < 256 << 10
            fds.append(pollfd(fd: watchInput ? input : -1, events: Int16(POLLIN), revents: 0))
            fds.append(pollfd(fd: winch, events: Int16(POLLIN), revents: 0))
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 || errno == EINTR else {
                throw .internalError("poll: \(Errno.current)")
            }
            if fds[0].revents & Int16(POLLOUT) != 0 || outgoing.pending > 0 {
                if !outgoing.flush(connection.fd) { socketOpen = false }
            }
            if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                switch ReadyRead(connection.fd, upTo: 65536) {
                case .bytes(let bytes): pendingInput = bytes
                case .nothing: break
                case .end: socketOpen = false
                }
            }
            if fds[1].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                switch ReadyRead(input, upTo: 32768) {
                case .bytes(let bytes): outgoing.append(try wire.encode(.stdin, bytes))
                case .nothing: break
                case .end:
                    stdinOpen = false
                    outgoing.append(try wire.end(.stdin))
                }
            }
            if winch >= 0 && fds[2].revents & Int16(POLLIN) != 0 {
                ctr_drain_pipe(winch)
                outgoing.append(try wire.encode(.resize, terminalSize()))
            }
        }
        if !errorEnded && errorBytes.isEmpty && version >= 4 {
            throw .unavailable("the stream server closed the connection before the command's status arrived")
        }
        return RemoteCommand.outcome(errorStream: errorBytes)
    }

    func put(_ fd: Int32, _ bytes: [UInt8]) throws(CtrError) {
        if let error = FileIO.writeAll(fd, bytes[...]), error != EPIPE {
            throw .internalError("write output: \(Errno(error))")
        }
    }

    func terminalSize() -> [UInt8] {
        var rows: UInt16 = 0, columns: UInt16 = 0
        _ = ctr_get_window_size(input, &rows, &columns)
        return RemoteCommand.resizeDocument(width: columns, height: rows)
    }
}
