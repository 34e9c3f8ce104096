import Core

/// A WebSocket message (RFC 6455), reassembled from its fragments.
public struct WebSocketMessage: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10
    }

    public var kind: Kind
    public var payload: [UInt8]

    public init(_ kind: Kind, _ payload: [UInt8]) {
        self.kind = kind
        self.payload = payload
    }
}

/// Encodes WebSocket frames: a client masks what it sends, a server does not (RFC 6455 §5.3).
public struct WebSocketFrameWriter: Sendable {
    public let masking: Bool

    public init(masking: Bool) { self.masking = masking }

    public func encode(_ message: WebSocketMessage) -> [UInt8] {
        var out: [UInt8] = [0x80 | message.kind.rawValue]
        let count = message.payload.count
        let maskBit: UInt8 = masking ? 0x80 : 0
        if count < 126 {
            out.append(maskBit | UInt8(count))
        } else if count <= 0xffff {
            out.append(contentsOf: [maskBit | 126, UInt8(count >> 8), UInt8(count & 0xff)])
        } else {
            out.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(UInt64(count) >> UInt64(shift) & 0xff)) }
        }
        guard masking else { return out + message.payload }
        var key: [UInt8] = [0, 0, 0, 0]
        let random = UInt32.random(in: 0...UInt32.max)
        for index in 0..<4 { key[index] = UInt8(random >> UInt32(index * 8) & 0xff) }
        out.append(contentsOf: key)
        out.reserveCapacity(out.count + count)
        for (index, byte) in message.payload.enumerated() { out.append(byte ^ key[index & 3]) }
        return out
    }
}

/// Decodes WebSocket frames into messages: control frames between fragments come out at once,
/// fragments are joined, and masking is checked against the side we are (`expectMasked`: a
/// server's reader). Messages over `maxMessage` bytes are refused.
public final class WebSocketFrameReader {
    private var buffer: [UInt8] = []
    private var start = 0
    private var fragments: (kind: WebSocketMessage.Kind, payload: [UInt8])?
    let expectMasked: Bool
    let maxMessage: Int

    public init(expectMasked: Bool, maxMessage: Int = 16 << 20) {
        self.expectMasked = expectMasked
        self.maxMessage = maxMessage
    }

    public func append(_ bytes: some Collection<UInt8>) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public func next() throws(CtrError) -> WebSocketMessage? {
        while true {
            let available = buffer.count - start
            guard available >= 2 else { return nil }
            let first = buffer[start], second = buffer[start + 1]
            guard first & 0x70 == 0 else { throw .invalidArgument("websocket: reserved bits set") }
            guard let kind = WebSocketMessage.Kind(rawValue: first & 0x0f) else {
                throw .invalidArgument("websocket: unknown opcode \(first & 0x0f)")
            }
            let masked = second & 0x80 != 0
            guard masked == expectMasked else {
                throw .invalidArgument(expectMasked ? "websocket: unmasked frame from a client" : "websocket: masked frame from a server")
            }
            var header = 2
            var length = UInt64(second & 0x7f)
            if length == 126 {
                guard available >= 4 else { return nil }
                length = UInt64(buffer[start + 2]) << 8 | UInt64(buffer[start + 3])
                header = 4
            } else if length == 127 {
                guard available >= 10 else { return nil }
                length = buffer[start + 2..<start + 10].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                header = 10
            }
            let final = first & 0x80 != 0
            if kind.rawValue >= 8 && (!final || length > 125) {
                throw .invalidArgument("websocket: fragmented or oversized control frame")
            }
            guard length <= UInt64(maxMessage) else {
                throw .invalidArgument("websocket: frame of \(length) bytes exceeds \(maxMessage)")
            }
            let keyStart = start + header
            let payloadStart = keyStart + (masked ? 4 : 0)
            guard buffer.count >= payloadStart + Int(length) else { return nil }
            var payload = Array(buffer[payloadStart..<payloadStart + Int(length)])
            if masked {
                let key = Array(buffer[keyStart..<keyStart + 4])
                for index in payload.indices { payload[index] ^= key[index & 3] }
            }
            start = payloadStart + Int(length)
            if start > 65536 && start * 2 > buffer.count {
                buffer.removeFirst(start)
                start = 0
            }
            if kind.rawValue >= 8 { return WebSocketMessage(kind, payload) }
            if kind == .continuation {
                guard var partial = fragments else { throw .invalidArgument("websocket: continuation without a message") }
                partial.payload += payload
                guard partial.payload.count <= maxMessage else {
                    throw .invalidArgument("websocket: message exceeds \(maxMessage) bytes")
                }
                fragments = final ? nil : partial
                if final { return WebSocketMessage(partial.kind, partial.payload) }
                continue
            }
            guard fragments == nil else { throw .invalidArgument("websocket: new message inside a fragmented one") }
            if final { return WebSocketMessage(kind, payload) }
            fragments = (kind, payload)
        }
    }
}
