@testable import Client
import NIOCore
import NIOEmbedded
import Testing

@Suite("Answering the server's PINGs below the HTTP/2 handler")
struct ServerPingAnswererTests {
    static func frame(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type, flags,
                UInt8(stream >> 24 & 0x7f), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff)] + payload
    }

    static let settings = frame(type: 4, flags: 0, stream: 0, payload: [0, 3, 0, 0, 0, 100])
    static let ping = frame(type: 6, flags: 0, stream: 0, payload: Array(1...8))
    static let pingAck = frame(type: 6, flags: 1, stream: 0, payload: Array(11...18))
    static let data = frame(type: 0, flags: 1, stream: 1, payload: Array(repeating: 7, count: 300))

    /// Feeds `chunks` in and returns what went on to the HTTP/2 handler and what was written back.
    func feed(_ chunks: [[UInt8]]) throws -> (passed: [UInt8], written: [UInt8]) {
        let channel = EmbeddedChannel(handler: ServerPingAnswerer())
        var passed: [UInt8] = []
        var written: [UInt8] = []
        for chunk in chunks {
            try channel.writeInbound(ByteBuffer(bytes: chunk))
            while var buffer = try channel.readInbound(as: ByteBuffer.self) { passed += buffer.readBytes(length: buffer.readableBytes) ?? [] }
            while var buffer = try channel.readOutbound(as: ByteBuffer.self) { written += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        }
        _ = try channel.finish()
        return (passed, written)
    }

    @Test("a PING is answered with its ACK and taken out; every other frame passes unchanged, our own PINGs' ACKs included")
    func whole() throws {
        let stream = Self.settings + Self.ping + Self.data + Self.pingAck
        let seen = try feed([stream])
        #expect(seen.passed == Self.settings + Self.data + Self.pingAck)
        #expect(seen.written == Self.frame(type: 6, flags: 1, stream: 0, payload: Array(1...8)))
    }

    @Test("frames split anywhere across reads, a byte at a time, come out the same")
    func split() throws {
        let stream = Self.settings + Self.ping + Self.data + Self.ping + Self.pingAck
        let seen = try feed(stream.map { [$0] })
        #expect(seen.passed == Self.settings + Self.data + Self.pingAck)
        let ack = Self.frame(type: 6, flags: 1, stream: 0, payload: Array(1...8))
        #expect(seen.written == ack + ack)
    }

    @Test("a malformed PING (wrong length or on a stream) is left to the HTTP/2 handler to refuse")
    func malformed() throws {
        let long = Self.frame(type: 6, flags: 0, stream: 0, payload: Array(repeating: 1, count: 9))
        let onStream = Self.frame(type: 6, flags: 0, stream: 3, payload: Array(1...8))
        let seen = try feed([long + onStream])
        #expect(seen.passed == long + onStream)
        #expect(seen.written.isEmpty)
    }
}
