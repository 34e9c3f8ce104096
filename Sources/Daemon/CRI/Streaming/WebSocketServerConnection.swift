import Core
import FoundationEssentials
import Logging
import NIOCore
import Streaming

/// The server side of a WebSocket session (RFC 6455) with Kubernetes' channel framing: every
/// message starts with its channel number (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; for
/// port-forward 2n and 2n+1 carry port n's data and errors). `base64.` protocols send text
/// messages: the channel as a digit, then the data in base64. v5 adds a close message: 255 and
/// the channel that ends.
final class WebSocketServerConnection: RemoteCommandSink {
    let channel: any Channel
    let protocolName: String
    let version: Int
    let base64: Bool
    private let reader = WebSocketFrameReader(expectMasked: true, maxMessage: 1 << 20)
    private let writer = WebSocketFrameWriter(masking: false)
    private(set) var session: (any StreamSession)?
    private var remote: RemoteCommandSession?
    private var forward: PortForwardSession?
    private var closing = false
    var logger = Logger(label: "ctr.cri.stream")

    init(channel: any Channel, protocolName: String) {
        self.channel = channel
        self.protocolName = protocolName
        self.version = RemoteCommand.version(protocolName)
        self.base64 = protocolName.contains("base64")
    }

    func start(request: StreamRequest, query: String, service: CRIService, logger: Logger) {
        self.logger = logger
        switch request {
        case .exec, .attach:
            let session = RemoteCommandSession(request: request, version: version, sink: self, service: service, logger: logger)
            remote = session
            self.session = session
            session.begin()
        case .portForward(let sandboxID, let requested):
            let session = PortForwardSession(sandboxID: sandboxID, service: service, logger: logger)
            session.webSocket = self
            forward = session
            self.session = session
            let fromQuery = query.split(separator: "&").compactMap { pair -> Int? in
                let parts = pair.split(separator: "=", maxSplits: 1)
                return parts.count == 2 && parts[0] == "port" ? Int(parts[1]) : nil
            }
            let ports = fromQuery.isEmpty ? requested.map(Int.init) : fromQuery
            for (index, port) in ports.enumerated() {
                let forward = PortForwardSession.Forward(port: port, index: index)
                session.forwards[String(index)] = forward
                // Each channel opens with the port it serves, little-endian.
                let portBytes = [UInt8(port & 0xff), UInt8(port >> 8 & 0xff)]
                sendChannel(UInt8(2 * index), portBytes)
                sendChannel(UInt8(2 * index + 1), portBytes)
                if (1...65535).contains(port) {
                    session.connect(forward)
                } else {
                    session.fail(forward, "invalid port \(port): must be 1-65535")
                }
            }
        }
    }

    func received(_ bytes: [UInt8]) {
        reader.append(bytes)
        do {
            while !closing, let message = try reader.next() { handle(message) }
        } catch {
            logger.info("websocket session: protocol error", metadata: ["error": "\(error.message)"])
            session?.connectionClosed()
            closeConnection(code: 1002)
        }
    }

    private func handle(_ message: WebSocketMessage) {
        switch message.kind {
        case .ping:
            write(WebSocketMessage(.pong, message.payload))
        case .close:
            session?.connectionClosed()
            closeConnection(code: 1000)
        case .binary, .text:
            var payload = message.payload
            guard !payload.isEmpty else { return }
            var number = payload.removeFirst()
            if base64 {
                number = number &- UInt8(ascii: "0")
                payload = Data(base64Encoded: Data(payload)).map { Array($0) } ?? []
            }
            if let forward {
                if number % 2 == 0, let entry = forward.forwards[String(number / 2)] {
                    forward.toPod(entry, payload, end: false)
                }
                return
            }
            if number == 255 {
                if payload.first == RemoteCommand.Channel.stdin.number { remote?.stdinEnded() }
                return
            }
            switch RemoteCommand.Channel(number: number) {
            case .stdin?: if !payload.isEmpty { remote?.stdin(payload) }
            case .resize?: remote?.resize(payload)
            default: break
            }
        case .pong, .continuation:
            break
        }
    }

    func write(_ message: WebSocketMessage) {
        guard channel.isActive, !closing else { return }
        channel.writeAndFlush(ByteBuffer(bytes: writer.encode(message)), promise: nil)
    }

    func sendChannel(_ number: UInt8, _ bytes: [UInt8]) {
        if base64 {
            let text = [UInt8(ascii: "0") &+ number] + Array(Data(bytes).base64EncodedString().utf8)
            write(WebSocketMessage(.text, text))
        } else {
            var offset = 0
            repeat {
                let end = min(offset + 32 << 10, bytes.count)
                write(WebSocketMessage(.binary, [number] + bytes[offset..<end]))
                offset = end
            } while offset < bytes.count
        }
    }

    func send(_ stream: RemoteCommand.Channel, _ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        sendChannel(stream.number, bytes)
    }

    func end(_ stream: RemoteCommand.Channel) {
        if version >= 5 { write(WebSocketMessage(.binary, [255, stream.number])) }
    }

    func finish(_ outcome: RemoteCommand.Outcome) {
        guard !closing else { return }
        switch outcome {
        case .success: if version >= 4 { sendChannel(3, RemoteCommand.successStatus()) }
        case .exit(let code):
            sendChannel(3, version >= 4 ? RemoteCommand.exitStatus(code)
                : Array("command terminated with non-zero exit code: exit code \(code)".utf8))
        case .failure(let message): sendChannel(3, version >= 4 ? RemoteCommand.failureStatus(message) : Array(message.utf8))
        }
        closeConnection(code: 1000)
    }

    func closeConnection(code: UInt16 = 1000) {
        guard !closing else { return }
        write(WebSocketMessage(.close, [UInt8(code >> 8), UInt8(code & 0xff)]))
        closing = true
        let channel = self.channel
        channel.writeAndFlush(ByteBuffer()).whenComplete { _ in channel.close(promise: nil) }
    }
}
