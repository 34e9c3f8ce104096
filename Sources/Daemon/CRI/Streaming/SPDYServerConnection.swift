import Core
import Logging
import NIOCore
import Streaming

/// Where an exec or attach session writes: the client's stdout, stderr and error channels,
/// whatever the wire (SPDY streams or WebSocket channels). Called on the connection's event loop.
protocol RemoteCommandSink: AnyObject {
    var channel: any Channel { get }
    func send(_ stream: RemoteCommand.Channel, _ bytes: [UInt8])
    /// The stream's last bytes were sent.
    func end(_ stream: RemoteCommand.Channel)
    /// Sends the outcome on the error channel and closes the connection once written.
    func finish(_ outcome: RemoteCommand.Outcome)
}

/// What a connection tells its session, on the connection's event loop.
protocol StreamSession: AnyObject {
    func writabilityChanged(_ writable: Bool)
    /// The client went away (or the connection failed).
    func connectionClosed()
    /// The server ends the session (idle timeout, daemon stopping).
    func abort(_ reason: String)
}

/// The server side of a SPDY/3.1 session: frames in and out, streams named by their `streamType`
/// header, routed to an exec/attach session or a port-forward session. SPDY's own flow control is
/// not used (Kubernetes' spdystream ignores it); TCP's is, through the channel's writability.
final class SPDYServerConnection: RemoteCommandSink {
    let channel: any Channel
    let logger: Logger
    private let reader = SPDYFrameReader()
    private let writer = SPDYFrameWriter()
    private(set) var session: (any StreamSession)?
    private var remote: RemoteCommandSession?
    private var forward: PortForwardSession?
    private var version = 4
    /// Stream ID → the remotecommand channel it carries.
    private var streamChannels: [UInt32: RemoteCommand.Channel] = [:]
    private var channelStreams: [RemoteCommand.Channel: UInt32] = [:]
    private var expected: Set<RemoteCommand.Channel> = []
    private var lastStreamID: UInt32 = 0
    private var begun = false
    private var closing = false

    /// Streams a session may open (a port-forward opens two per forwarded connection).
    static let maxStreams = 2000
    /// How long a client may take to open the streams the request asked for.
    static let streamCreationTimeout = TimeAmount.seconds(30)

    init(channel: any Channel, logger: Logger) {
        self.channel = channel
        self.logger = logger
    }

    func start(request: StreamRequest, version: Int, service: CRIService) {
        self.version = version
        switch request {
        case .exec(_, _, let tty, let stdin, let stdout, let stderr), .attach(_, let tty, let stdin, let stdout, let stderr):
            expected = [.error]
            if stdin { expected.insert(.stdin) }
            if stdout { expected.insert(.stdout) }
            if stderr { expected.insert(.stderr) }
            if tty && version >= 3 { expected.insert(.resize) }
            let session = RemoteCommandSession(request: request, version: version, sink: self, service: service, logger: logger)
            remote = session
            self.session = session
            let bound = NIOLoopBound(self, eventLoop: channel.eventLoop)
            channel.eventLoop.scheduleTask(in: Self.streamCreationTimeout) {
                let connection = bound.value
                guard !connection.begun, !connection.closing else { return }
                connection.logger.warning("stream session: the client did not open its streams in time")
                connection.closeConnection()
            }
        case .portForward(let sandboxID, _):
            let session = PortForwardSession(sandboxID: sandboxID, service: service, logger: logger)
            session.spdy = self
            forward = session
            self.session = session
        }
    }

    func received(_ bytes: [UInt8]) {
        reader.append(bytes)
        do {
            while !closing, let frame = try reader.next() { try handle(frame) }
        } catch {
            logger.info("stream session: protocol error", metadata: ["error": "\(error.message)"])
            write(.goAway(lastGoodStreamID: lastStreamID, status: SPDYFrame.Status.protocolError))
            session?.connectionClosed()
            closeConnection()
        }
    }

    private func handle(_ frame: SPDYFrame) throws(CtrError) {
        switch frame {
        case .synStream(let id, _, let flags, let headers):
            guard id & 1 == 1, id > lastStreamID else { throw .invalidArgument("spdy: stream ID \(id) out of order") }
            lastStreamID = id
            guard streamChannels.count + (forward?.streamCount ?? 0) < Self.maxStreams else {
                write(.rstStream(streamID: id, status: SPDYFrame.Status.refusedStream))
                return
            }
            write(.synReply(streamID: id, flags: 0, headers: SPDYHeaders()))
            if let forward {
                forward.opened(id, headers: headers)
                if flags & SPDYFrame.fin != 0 { forward.data(id, [], fin: true) }
                return
            }
            guard let type = headers["streamtype"], let channel = RemoteCommand.Channel(rawValue: type) else {
                write(.rstStream(streamID: id, status: SPDYFrame.Status.refusedStream))
                return
            }
            streamChannels[id] = channel
            channelStreams[channel] = id
            if flags & SPDYFrame.fin != 0 { remoteEnded(channel) }
            if !begun && expected.isSubset(of: Set(channelStreams.keys)) {
                begun = true
                remote?.begin()
            }
        case .data(let id, let flags, let bytes):
            if let forward {
                forward.data(id, bytes, fin: flags & SPDYFrame.fin != 0)
                return
            }
            guard let channel = streamChannels[id] else { return }
            if !bytes.isEmpty {
                switch channel {
                case .stdin: remote?.stdin(bytes)
                case .resize: remote?.resize(bytes)
                default: break
                }
            }
            if flags & SPDYFrame.fin != 0 { remoteEnded(channel) }
        case .rstStream(let id, _):
            if let forward { forward.reset(id) } else if let channel = streamChannels[id] { remoteEnded(channel) }
        case .ping(let id):
            write(.ping(id: id))
        case .synReply, .settings, .goAway, .headers, .windowUpdate, .unknown:
            break
        }
    }

    private func remoteEnded(_ channel: RemoteCommand.Channel) {
        if channel == .stdin { remote?.stdinEnded() }
    }

    // MARK: Writing

    func write(_ frame: SPDYFrame) {
        guard channel.isActive, let bytes = try? writer.encode(frame) else { return }
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }

    /// Data on stream `id` in frames of at most 32 KiB.
    func sendData(_ id: UInt32, _ bytes: [UInt8], fin: Bool = false) {
        var offset = 0
        repeat {
            let end = min(offset + 32 << 10, bytes.count)
            let last = end == bytes.count
            write(.data(streamID: id, flags: last && fin ? SPDYFrame.fin : 0, bytes: Array(bytes[offset..<end])))
            offset = end
        } while offset < bytes.count
    }

    func send(_ stream: RemoteCommand.Channel, _ bytes: [UInt8]) {
        guard let id = channelStreams[stream], !bytes.isEmpty else { return }
        sendData(id, bytes)
    }

    func end(_ stream: RemoteCommand.Channel) {
        guard let id = channelStreams[stream] else { return }
        write(.data(streamID: id, flags: SPDYFrame.fin, bytes: []))
    }

    func finish(_ outcome: RemoteCommand.Outcome) {
        guard !closing else { return }
        if let id = channelStreams[.error] {
            let document: [UInt8]
            switch outcome {
            case .success: document = version >= 4 ? RemoteCommand.successStatus() : []
            case .exit(let code):
                document = version >= 4 ? RemoteCommand.exitStatus(code)
                    : Array("command terminated with non-zero exit code: exit code \(code)".utf8)
            case .failure(let message): document = version >= 4 ? RemoteCommand.failureStatus(message) : Array(message.utf8)
            }
            sendData(id, document, fin: true)
        }
        write(.goAway(lastGoodStreamID: lastStreamID, status: 0))
        closeConnection()
    }

    func closeConnection() {
        guard !closing else { return }
        closing = true
        // Writes complete in order: once this empty one has, everything before it was written.
        let channel = self.channel
        channel.writeAndFlush(ByteBuffer()).whenComplete { _ in channel.close(promise: nil) }
    }
}
