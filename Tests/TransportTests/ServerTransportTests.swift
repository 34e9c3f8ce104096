import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import NIOCore
import Synchronization
import Testing
import Transport

/// Which server transport a case runs against.
enum ServerKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    /// The daemon's (`UnixGRPCTransport`).
    case ours
    /// grpc-swift-nio-transport's `HTTP2ServerTransport.Posix`: what a grpc-swift server does,
    /// which ours replaces for speed and must not change.
    case reference

    var testDescription: String { rawValue }
}

/// A conformance suite for the daemon's gRPC server transport: each case runs the same calls
/// against our transport and against grpc-swift-nio-transport's server, both on a real Unix
/// socket, both driven by grpc-swift's own HTTP/2 client, so a behaviour of ours that differs
/// from the reference shows as a failing case. Metadata and status both ways, deadlines,
/// cancellation, flow control with messages larger than the window, the request size limit,
/// answers that come before the request ends, graceful shutdown. The inline methods, which only
/// ours has, are tested on ours alone.
@Suite("gRPC server transport conformance", .timeLimit(.minutes(2)))
struct ServerTransportTests {
    static let echo = MethodDescriptor(fullyQualifiedService: "test.Transport", method: "Echo")
    static let sleep = MethodDescriptor(fullyQualifiedService: "test.Transport", method: "Sleep")
    static let count = MethodDescriptor(fullyQualifiedService: "test.Transport", method: "Count")
    static let flood = MethodDescriptor(fullyQualifiedService: "test.Transport", method: "Flood")
    static let missing = MethodDescriptor(fullyQualifiedService: "test.Transport", method: "Missing")
    static let inline = MethodDescriptor(fullyQualifiedService: "test.Transport", method: "Inline")
    static let early = MethodDescriptor(fullyQualifiedService: "test.Transport", method: "Early")
    static let await = MethodDescriptor(fullyQualifiedService: "test.Transport", method: "Await")

    /// Answers on the event loop: `inline:` and the request, or NOT_FOUND for `absent`; declines
    /// `slow`, which the router answers.
    static let inlineMethods = ["/test.Transport/Inline": InlineUnaryMethod { request in
        let text = String(buffer: request)
        if text == "absent" { return .failure(RPCError(code: .notFound, message: "thing \"absent\" not found")) }
        if text == "slow" { return nil }
        return .success(WireBytes(Array("inline:\(text)".utf8)))
    }]

    @Test("unary calls carry metadata both ways; errors keep their code and (non-ASCII) message", arguments: ServerKind.allCases)
    func unary(kind: ServerKind) async throws {
        try await withServer(kind) { client, _, _ in
            var metadata = Metadata()
            metadata.addString("hello", forKey: "x-test")
            metadata.addBinary([0, 1, 2, 250], forKey: "x-blob-bin")
            let (echoed, headers) = try await client.unary(
                request: ClientRequest(message: Array("ping".utf8), metadata: metadata), descriptor: Self.echo,
                serializer: RawSerializer(), deserializer: RawDeserializer(), options: .defaults
            ) { response in (try response.message, response.metadata) }
            #expect(echoed == Array("ping".utf8))
            #expect(Array(headers[stringValues: "x-echo"]) == ["hello"])
            #expect(Array(headers[binaryValues: "x-blob-bin"]) == [[0, 1, 2, 250]])

            let error = await #expect(throws: RPCError.self) {
                try await client.call(Self.echo, Array("fail".utf8))
            }
            #expect(error?.code == .failedPrecondition)
            #expect(error?.message == "naïve failure: 100% \"planned\"")

            let unknown = await #expect(throws: RPCError.self) {
                try await client.call(Self.missing, [])
            }
            #expect(unknown?.code == .unimplemented)
        }
    }

    @Test("an inline method answers a single-message request on the event loop; other requests, and those it declines, go to the router")
    func inlineMethods() async throws {
        try await withServer(.ours) { client, _, _ in
            let answer = try await client.call(Self.inline, Array("a".utf8))
            #expect(String(decoding: answer, as: UTF8.self) == "inline:a")

            let error = await #expect(throws: RPCError.self) {
                try await client.call(Self.inline, Array("absent".utf8))
            }
            #expect(error?.code == .notFound)
            #expect(error?.message == "thing \"absent\" not found")

            // A request the method declines is served by the router, with the same message.
            let declined = try await client.call(Self.inline, Array("slow".utf8))
            #expect(String(decoding: declined, as: UTF8.self) == "routed:slow")

            let routed = try await client.clientStreaming(
                request: StreamingClientRequest(of: [UInt8].self) { writer in
                    try await writer.write(Array("a".utf8))
                    try await writer.write(Array("b".utf8))
                },
                descriptor: Self.inline, serializer: RawSerializer(), deserializer: RawDeserializer(), options: .defaults
            ) { try $0.message }
            #expect(String(decoding: routed, as: UTF8.self) == "routed:ab")
        }
    }

    @Test("a passed deadline answers DEADLINE_EXCEEDED and cancels the handler; a client that leaves cancels it too", arguments: ServerKind.allCases)
    func deadlineAndCancellation(kind: ServerKind) async throws {
        try await withServer(kind) { client, probe, _ in
            // The deadline passes while the handler runs: the client gets DEADLINE_EXCEEDED soon after
            // it, and the handler hears that its RPC was cancelled (through the RPC cancellation
            // handle, grpc-swift's contract), so it is not left sleeping for its minute.
            let deadline = Duration.seconds(3)
            var options = CallOptions.defaults
            options.timeout = deadline
            let (startedBefore, cancelledBefore) = (probe.startedSleeps, probe.cancelledSleeps)
            let started = ContinuousClock.now
            let timed = Task { try await client.call(Self.sleep, [], options: options) }
            try await probe.waitForStartedSleeps(startedBefore + 1)
            let result = await timed.result
            let elapsed = ContinuousClock.now - started
            var code: RPCError.Code?
            if case .failure(let error as RPCError) = result { code = error.code }
            #expect(code == .deadlineExceeded, "\(result)")
            #expect(elapsed < deadline + .seconds(2), "answered \(elapsed) after a \(deadline) deadline")
            try await probe.waitUntilNoSleepRuns()
            #expect(probe.cancelledSleeps == cancelledBefore + 1, "the running handler was cancelled")

            // A client that cancels its call cancels the handler.
            let call = Task {
                try await client.call(Self.sleep, [])
            }
            let (before, cancelledBeforeLeaving) = (probe.startedSleeps, probe.cancelledSleeps)
            try await probe.waitForStartedSleeps(before + 1)
            call.cancel()
            _ = await call.result
            try await probe.waitUntilNoSleepRuns()
            #expect(probe.cancelledSleeps == cancelledBeforeLeaving + 1)
        }
    }

    /// A difference on purpose: ours cancels the handler's task as well as its RPC cancellation
    /// handle, as grpc-go cancels a handler's context, so a handler that only awaits (a sleep, a
    /// subscription) stops without watching the handle. grpc-swift-nio-transport's server
    /// signals the handle only and leaves the task running.
    @Test("ours also cancels the handler's task when the deadline passes or the client leaves")
    func taskCancellation() async throws {
        try await withServer(.ours) { client, probe, _ in
            var options = CallOptions.defaults
            options.timeout = .seconds(1)
            let cancelledBefore = probe.cancelledSleeps
            let error = await #expect(throws: RPCError.self) { try await client.call(Self.await, [], options: options) }
            #expect(error?.code == .deadlineExceeded)
            try await probe.waitUntilNoSleepRuns()
            #expect(probe.cancelledSleeps == cancelledBefore + 1)

            let startedBefore = probe.startedSleeps
            let call = Task { try await client.call(Self.await, []) }
            try await probe.waitForStartedSleeps(startedBefore + 1)
            call.cancel()
            _ = await call.result
            try await probe.waitUntilNoSleepRuns()
            #expect(probe.cancelledSleeps == cancelledBefore + 2)
        }
    }

    @Test("messages larger than the flow-control window pass both ways; too large a request is refused", arguments: ServerKind.allCases)
    func flowControlAndLimits(kind: ServerKind) async throws {
        try await withServer(kind, maxRequestSize: 12 << 20) { client, _, _ in
            // 40 MiB up in 10 MiB messages, each larger than the 4 MiB window.
            let chunk = [UInt8](repeating: 7, count: 10 << 20)
            let total = try await client.clientStreaming(
                request: StreamingClientRequest(of: [UInt8].self) { writer in
                    for _ in 0..<4 { try await writer.write(chunk) }
                },
                descriptor: Self.count, serializer: RawSerializer(), deserializer: RawDeserializer(), options: .defaults
            ) { response in try response.message }
            #expect(String(decoding: total, as: UTF8.self) == String(40 << 20))

            // 64 MiB down in 1 MiB messages.
            let received = try await client.serverStreaming(
                request: ClientRequest(message: Array("64".utf8)), descriptor: Self.flood,
                serializer: RawSerializer(), deserializer: RawDeserializer(), options: .defaults
            ) { response in
                var bytes = 0
                for try await message in response.messages { bytes += message.count }
                return bytes
            }
            #expect(received == 64 << 20)

            let error = await #expect(throws: RPCError.self) {
                try await client.call(Self.echo, [UInt8](repeating: 1, count: 13 << 20))
            }
            switch kind {
            case .ours:
                // A difference on purpose: ours answers RESOURCE_EXHAUSTED naming the limit, as
                // grpc-go's server (containerd's) does and as the gRPC spec asks.
                #expect(error?.code == .resourceExhausted)
                #expect(error?.message.contains("exceeds the limit of \(12 << 20)") == true, "\(String(describing: error))")
            case .reference:
                // grpc-swift-nio-transport's server resets the stream instead: the client sees UNAVAILABLE.
                #expect(error?.code == .unavailable, "\(String(describing: error))")
            }
            // The connection outlives the refused call.
            #expect(try await client.call(Self.echo, Array("after".utf8)) == Array("after".utf8))
        }
    }

    @Test("a server that answers before the client has sent everything: the client gets the status, the connection keeps working", arguments: ServerKind.allCases)
    func earlyAnswer(kind: ServerKind) async throws {
        try await withServer(kind) { client, _, _ in
            // Each call leaves unread requests behind, dropped after the reset: they still count
            // against the connection's window, which must be given back.
            for _ in 0..<4 {
                let error = await #expect(throws: RPCError.self) {
                    try await client.clientStreaming(
                        request: StreamingClientRequest(of: [UInt8].self) { writer in
                            for _ in 0..<24 { try await writer.write([UInt8](repeating: 3, count: 1 << 20)) }
                        },
                        descriptor: Self.early, serializer: RawSerializer(), deserializer: RawDeserializer(),
                        options: .defaults
                    ) { try $0.message }
                }
                #expect(error?.code == .failedPrecondition, "\(String(describing: error))")
            }
            let answer = try await client.call(Self.echo, Array("still".utf8))
            #expect(answer == Array("still".utf8))
        }
    }

    @Test("graceful shutdown: the server returns with the client still connected; ours lets a call in flight finish", arguments: ServerKind.allCases)
    func gracefulShutdown(kind: ServerKind) async throws {
        try await withServer(kind) { client, probe, stop in
            // An error answer and an inline one (routed on the reference) first: finished
            // streams must not keep the connection open once the server stops.
            _ = try? await client.call(Self.echo, Array("fail".utf8))
            let inline = try await client.call(Self.inline, Array("a".utf8))
            #expect(inline == Array((kind == .ours ? "inline:a" : "routed:a").utf8))
            let call = Task {
                try await client.call(Self.sleep, Array("800".utf8))
            }
            try await probe.waitForStartedSleeps(1)
            // The server returns while this client is still connected: its connection closes
            // once its calls are done.
            async let stopped: Void = stop()
            let result = await call.result
            try await stopped
            switch kind {
            case .ours:
                // The call in flight runs to its end, as grpc-go's GracefulStop lets it (a pull
                // writing a layer finishes). Calls that would never end hear the stop through
                // `TransportShutdown` instead.
                #expect(try result.get() == Array("slept".utf8))
                #expect(probe.cancelledSleeps == 0)
            case .reference:
                // A difference on purpose: grpc-swift-nio-transport's server cancels every call
                // in flight (through its RPC cancellation handle) when it begins to stop.
                #expect(throws: RPCError.self) { try result.get() }
                #expect(probe.cancelledSleeps == 1)
            }
        }
    }

    typealias Client = GRPCClient<HTTP2ClientTransport.Posix>
    typealias Body = (Client, Probe, _ stop: @Sendable () async throws -> Void) async throws -> Void

    /// Serves the test service with the `kind` of transport on a fresh socket for `body`. `stop`
    /// begins a graceful shutdown and returns when the server has; without it the server stops
    /// after `body`.
    func withServer(_ kind: ServerKind, maxRequestSize: Int = 4 << 20, prefaceTimeout: TimeAmount? = nil,
                    maxConnectionIdle: TimeAmount? = nil, _ body: Body) async throws {
        let dir = "/tmp/ctr-transport-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/grpc.sock"
        let probe = Probe(socket: path)
        switch kind {
        case .ours:
            // The daemon's settings (4 MiB windows, 256 KiB frames).
            var settings = UnixGRPCTransport.Settings(maxRequestSize: maxRequestSize, windowSize: 4 << 20,
                                                      maxFrameSize: 256 << 10)
            if let prefaceTimeout { settings.prefaceTimeout = prefaceTimeout }
            settings.maxConnectionIdle = maxConnectionIdle
            let transport = UnixGRPCTransport(path: path, settings: settings, inlineMethods: Self.inlineMethods)
            try await serve(GRPCServer(transport: transport, services: [TestService(probe: probe)]), path: path,
                            probe: probe, listening: { try await transport.waitUntilListening() }, body)
        case .reference:
            let transport = HTTP2ServerTransport.Posix(
                address: .unixDomainSocket(path: path), transportSecurity: .plaintext,
                config: .defaults { $0.rpc.maxRequestPayloadSize = maxRequestSize })
            try await serve(GRPCServer(transport: transport, services: [TestService(probe: probe)]), path: path,
                            probe: probe, listening: { _ = try await transport.listeningAddress }, body)
        }
    }

    private func serve<Transport: ServerTransport>(
        _ server: GRPCServer<Transport>, path: String, probe: Probe,
        listening: () async throws -> Void, _ body: Body
    ) async throws {
        let serving = Task { try await server.serve() }
        let stop: @Sendable () async throws -> Void = {
            server.beginGracefulShutdown()
            try await serving.value
        }
        do {
            try await listening()
            try await withGRPCClient(
                transport: try HTTP2ClientTransport.Posix(target: .unixDomainSocket(path: path),
                                                         transportSecurity: .plaintext)
            ) { client in try await body(client, probe, stop) }
        } catch {
            try? await stop()
            throw error
        }
        try await stop()
    }
}

/// What the test service's handlers saw.
final class Probe: Sendable {
    private let state = Mutex((started: 0, cancelled: 0))
    /// The server's socket, for raw HTTP/2 clients.
    let socket: String

    init(socket: String) { self.socket = socket }

    func sleepStarted() { state.withLock { $0.started += 1 } }
    func sleepCancelled() { state.withLock { $0.cancelled += 1 } }
    var cancelledSleeps: Int { state.withLock { $0.cancelled } }
    var startedSleeps: Int { state.withLock { $0.started } }

    func waitForStartedSleeps(_ count: Int) async throws { try await waitFor { $0.started >= count } }
    func waitUntilNoSleepRuns() async throws { try await waitFor { $0.started == $0.cancelled } }

    /// Polls for up to a minute: tasks of other suites may keep the shared pool busy.
    private func waitFor(_ condition: ((started: Int, cancelled: Int)) -> Bool) async throws {
        for _ in 0..<6000 {
            if state.withLock({ condition($0) }) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the handlers did not get there: \(state.withLock { $0 })")
    }
}

struct TestService: RegistrableRPCService {
    let probe: Probe

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(forMethod: ServerTransportTests.echo, deserializer: RawDeserializer(),
                               serializer: RawSerializer()) { request, _ in
            let message = try await ServerRequest(stream: request).message
            if message == Array("fail".utf8) {
                throw RPCError(code: .failedPrecondition, message: "naïve failure: 100% \"planned\"")
            }
            var metadata = Metadata()
            for value in request.metadata[stringValues: "x-test"] { metadata.addString(value, forKey: "x-echo") }
            for value in request.metadata[binaryValues: "x-blob-bin"] { metadata.addBinary(value, forKey: "x-blob-bin") }
            return StreamingServerResponse(single: ServerResponse(message: message, metadata: metadata))
        }
        router.registerHandler(forMethod: ServerTransportTests.sleep, deserializer: RawDeserializer(),
                               serializer: RawSerializer()) { [probe] request, _ in
            let message = try await ServerRequest(stream: request).message
            let milliseconds = Int(String(decoding: message, as: UTF8.self)) ?? 60_000
            probe.sleepStarted()
            // Ends early when the RPC is cancelled (grpc-swift's contract: the cancellation
            // handle) or when the handler's own task is.
            let sleeper = Task { try await Task.sleep(for: .milliseconds(milliseconds)) }
            do {
                try await withTaskCancellationHandler {
                    try await withRPCCancellationHandler {
                        try await sleeper.value
                    } onCancelRPC: {
                        sleeper.cancel()
                    }
                } onCancel: {
                    sleeper.cancel()
                }
            } catch {
                probe.sleepCancelled()
                throw error
            }
            return StreamingServerResponse(single: ServerResponse(message: Array("slept".utf8)))
        }
        router.registerHandler(forMethod: ServerTransportTests.await, deserializer: RawDeserializer(),
                               serializer: RawSerializer()) { [probe] _, _ in
            // Only the task's cancellation ends this wait.
            probe.sleepStarted()
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                probe.sleepCancelled()
                throw error
            }
            return StreamingServerResponse(single: ServerResponse(message: []))
        }
        router.registerHandler(forMethod: ServerTransportTests.inline, deserializer: RawDeserializer(),
                               serializer: RawSerializer()) { request, _ in
            var joined: [UInt8] = []
            for try await message in request.messages { joined += message }
            return StreamingServerResponse(single: ServerResponse(message: Array("routed:".utf8) + joined))
        }
        router.registerHandler(forMethod: ServerTransportTests.early, deserializer: RawDeserializer(),
                               serializer: RawSerializer()) { request, _ in
            for try await _ in request.messages {
                throw RPCError(code: .failedPrecondition, message: "one message is enough")
            }
            return StreamingServerResponse(single: ServerResponse(message: []))
        }
        router.registerHandler(forMethod: ServerTransportTests.count, deserializer: RawDeserializer(),
                               serializer: RawSerializer()) { request, _ in
            var total = 0
            for try await message in request.messages { total += message.count }
            return StreamingServerResponse(single: ServerResponse(message: Array(String(total).utf8)))
        }
        router.registerHandler(forMethod: ServerTransportTests.flood, deserializer: RawDeserializer(),
                               serializer: RawSerializer()) { request, _ in
            let message = try await ServerRequest(stream: request).message
            let count = Int(String(decoding: message, as: UTF8.self)) ?? 0
            return StreamingServerResponse(of: [UInt8].self) { writer in
                let chunk = [UInt8](repeating: 9, count: 1 << 20)
                for _ in 0..<count { try await writer.write(chunk) }
                return [:]
            }
        }
    }
}

struct RawSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
}

struct RawDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

extension GRPCClient {
    /// A unary call of the test service: raw bytes in, raw bytes out.
    func call(_ method: MethodDescriptor, _ message: [UInt8], options: CallOptions = .defaults) async throws -> [UInt8] {
        try await unary(request: ClientRequest(message: message), descriptor: method, serializer: RawSerializer(),
                        deserializer: RawDeserializer(), options: options) { try $0.message }
    }
}
