import Core
import Foundation
import Testing
import TestSupport

@testable import Streaming

@Suite struct SPDYCodecTests {
    @Test func dictionaryIsSPDY3s() {
        // zlib names a preset dictionary by its Adler-32; a peer refuses another dictionary.
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in SPDYDictionary.bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        #expect(SPDYDictionary.bytes.count == 1423)
        #expect(b << 16 | a == 0xe3c6_a7c2)
    }

    @Test func framesRoundTripThroughOneSessionsCompression() throws {
        let writer = SPDYFrameWriter()
        let reader = SPDYFrameReader()
        let frames: [SPDYFrame] = [
            .synStream(streamID: 1, associatedTo: 0, flags: 0, headers: SPDYHeaders([("streamType", "error")])),
            .synStream(streamID: 3, associatedTo: 0, flags: SPDYFrame.fin, headers: SPDYHeaders([("streamtype", "stdout")])),
            .synReply(streamID: 1, flags: 0, headers: SPDYHeaders()),
            .data(streamID: 3, flags: 0, bytes: Array(repeating: 7, count: 70_000)),
            .data(streamID: 3, flags: SPDYFrame.fin, bytes: []),
            .ping(id: 9), .rstStream(streamID: 5, status: SPDYFrame.Status.cancel),
            .settings(flags: 0, entries: [.init(flags: 0, id: 7, value: 65536)]),
            .windowUpdate(streamID: 3, delta: 1000), .goAway(lastGoodStreamID: 5, status: 0),
            .headers(streamID: 3, flags: 0, headers: SPDYHeaders([("a", "b\0c")])),
        ]
        var wire: [UInt8] = []
        for frame in frames { wire += try writer.encode(frame) }
        // Delivered a few bytes at a time, as TCP may.
        var decoded: [SPDYFrame] = []
        for chunk in stride(from: 0, to: wire.count, by: 333) {
            reader.append(wire[chunk..<min(chunk + 333, wire.count)])
            while let frame = try reader.next() { decoded.append(frame) }
        }
        #expect(decoded == frames)
        #expect(reader.pending == 0)
        if case .synStream(_, _, _, let headers) = decoded[0] { #expect(headers["StreamType"] == "error") }
    }

    /// Python's zlib, primed with the same dictionary, plays the peer: what it compresses we read,
    /// and the reverse.
    @Test func headerBlocksInteroperateWithZlib() throws {
        let scratch = try TemporaryDirectory("spdy")
        defer { scratch.remove() }
        try Data(SPDYDictionary.bytes).write(to: URL(fileURLWithPath: scratch.path + "/dict"))
        let block = SPDYHeaders([("streamtype", "stdin"), ("port", "8080")]).serialized()
        try Data(block).write(to: URL(fileURLWithPath: scratch.path + "/block"))
        let script = """
            import zlib, sys
            d = open(sys.argv[1] + '/dict', 'rb').read(); block = open(sys.argv[1] + '/block', 'rb').read()
            c = zlib.compressobj(9, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY, d)
            first = c.compress(block) + c.flush(zlib.Z_SYNC_FLUSH)
            second = c.compress(block) + c.flush(zlib.Z_SYNC_FLUSH)
            open(sys.argv[1] + '/compressed', 'wb').write(len(first).to_bytes(4, 'big') + first + second)
            ours = open(sys.argv[1] + '/ours', 'rb').read()
            n = int.from_bytes(ours[:4], 'big')
            o = zlib.decompressobj(zdict=d)
            assert o.decompress(ours[4:4 + n]) == block and o.decompress(ours[4 + n:]) == block
            """
        let deflater = SPDYHeaderDeflater()
        let first = try deflater.compress(block), second = try deflater.compress(block)
        var ours: [UInt8] = []
        ours.appendUInt32(UInt32(first.count))
        try Data(ours + first + second).write(to: URL(fileURLWithPath: scratch.path + "/ours"))
        let result = try run("/usr/bin/python3", ["-c", script, scratch.path])
        #expect(result.status == 0, "\(result.stderr)")
        let theirs = [UInt8](try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/compressed")))
        let split = 4 + Int(theirs[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        let inflater = SPDYHeaderInflater()
        #expect(try inflater.decompress(Array(theirs[4..<split])) == block)
        #expect(try inflater.decompress(Array(theirs[split...])) == block)
    }

    @Test func hostileFramesAreRefused() throws {
        let reader = SPDYFrameReader()
        reader.append([0x80, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00])  // SPDY/2
        #expect(throws: CtrError.self) { try reader.next() }
        let big = SPDYFrameReader()
        big.append([0x00, 0x00, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff])  // 16 MiB data frame
        #expect(throws: CtrError.self) { try big.next() }
        // A header bomb: a block inflating to far more than the limit.
        let deflater = SPDYHeaderDeflater()
        let bomb = try deflater.compress([0, 0, 0, 1, 0, 0, 0, 1, 0x61, 0x00, 0x10, 0x00, 0x00] + Array(repeating: 0x61, count: 1 << 20))
        #expect(throws: CtrError.self) { try SPDYHeaderInflater().decompress(bomb) }
    }
}

@Suite struct WebSocketCodecTests {
    @Test func maskedAndUnmaskedMessagesRoundTrip() throws {
        for size in [0, 5, 125, 126, 65535, 65536, 200_000] {
            let message = WebSocketMessage(.binary, (0..<size).map { UInt8(truncatingIfNeeded: $0) })
            let client = WebSocketFrameWriter(masking: true).encode(message)
            let server = WebSocketFrameReader(expectMasked: true)
            server.append(client)
            #expect(try server.next() == message)
            let reply = WebSocketFrameReader(expectMasked: false)
            reply.append(WebSocketFrameWriter(masking: false).encode(message))
            #expect(try reply.next() == message)
        }
    }

    @Test func fragmentsJoinAndControlFramesInterleave() throws {
        let reader = WebSocketFrameReader(expectMasked: false)
        reader.append([0x02, 0x02, 1, 2])  // binary, not final
        reader.append([0x89, 0x01, 9])  // ping in between
        reader.append([0x80, 0x01, 3])  // final continuation
        #expect(try reader.next() == WebSocketMessage(.ping, [9]))
        #expect(try reader.next() == WebSocketMessage(.binary, [1, 2, 3]))
        let unmasked = WebSocketFrameReader(expectMasked: true)
        unmasked.append([0x82, 0x01, 1])
        #expect(throws: CtrError.self) { try unmasked.next() }
    }

    @Test func acceptKeyFollowsRFC6455() {
        #expect(HTTPHead.webSocketAccept(key: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }
}

@Suite struct RemoteCommandTests {
    @Test func statusDocumentsCarryTheExitCode() {
        #expect(RemoteCommand.outcome(errorStream: RemoteCommand.successStatus()) == .success)
        #expect(RemoteCommand.outcome(errorStream: RemoteCommand.exitStatus(7)) == .exit(7))
        #expect(RemoteCommand.outcome(errorStream: RemoteCommand.failureStatus("boom")) == .failure("boom"))
        #expect(RemoteCommand.outcome(errorStream: []) == .success)
        #expect(RemoteCommand.outcome(errorStream: Array("error executing command, exit code 3".utf8)) == .exit(3))
    }

    @Test func negotiationTakesTheClientsFirstSupportedProtocol() {
        let offered = ["v9.channel.k8s.io", "v3.channel.k8s.io, v4.channel.k8s.io"]
        #expect(RemoteCommand.negotiate(offered: offered, supported: RemoteCommand.spdyProtocols) == "v3.channel.k8s.io")
        #expect(RemoteCommand.negotiate(offered: ["x"], supported: RemoteCommand.spdyProtocols) == nil)
    }

    @Test func resizeDocumentsSplitAcrossReads() {
        var buffer = Array(#"{"Width":80,"Height":24}"#.utf8) + [10] + Array(#"{"Width":1"#.utf8)
        #expect(RemoteCommand.terminalSizes(&buffer).map { [$0.width, $0.height] } == [[80, 24]])
        buffer += Array("20,\"Height\":40}\n".utf8)
        #expect(RemoteCommand.terminalSizes(&buffer).map { [$0.width, $0.height] } == [[120, 40]])
    }

    @Test func httpHeadsParseIncrementally() throws {
        var buffer = Array("POST /exec/abc HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n".utf8)
        #expect(try HTTPHead.take(from: &buffer) == nil)
        buffer += Array("X-Stream-Protocol-Version: v4.channel.k8s.io\r\nX-Stream-Protocol-Version: v3.channel.k8s.io\r\n\r\nrest".utf8)
        let head = try #require(try HTTPHead.take(from: &buffer))
        #expect(head.line == ["POST", "/exec/abc", "HTTP/1.1"])
        #expect(head.has("connection", token: "upgrade"))
        #expect(head.values("x-stream-protocol-version") == ["v4.channel.k8s.io", "v3.channel.k8s.io"])
        #expect(buffer == Array("rest".utf8))
        var endless = [UInt8](repeating: 0x61, count: HTTPHead.maxSize + 1)
        #expect(throws: CtrError.self) { try HTTPHead.take(from: &endless) }
    }
}
