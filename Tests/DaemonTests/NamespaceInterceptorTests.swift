import Core
@testable import Daemon
import GRPCCore
import Synchronization
import Testing

@Suite("Namespace header")
struct NamespaceInterceptorTests {
    func call(header: String?) async throws -> (handler: String, body: String) {
        var metadata = Metadata()
        if let header { metadata.addString(header, forKey: "containerd-namespace") }
        let request = StreamingServerRequest<Int>(metadata: metadata, messages: RPCAsyncSequence(wrapping: AsyncThrowingStream { $0.finish() }))
        let context = ServerContext(
            descriptor: MethodDescriptor(fullyQualifiedService: "test.Service", method: "M"),
            remotePeer: "in-process", localPeer: "in-process", cancellation: .init())
        let seenInHandler = try await NamespaceInterceptor().intercept(request: request, context: context) {
            _, _ -> StreamingServerResponse<String> in
            let name = try RequestNamespace.current()
            return StreamingServerResponse(single: ServerResponse(message: name))
        }
        let response = try await NamespaceInterceptor().intercept(request: request, context: context) {
            _, _ -> StreamingServerResponse<String> in
            StreamingServerResponse(of: String.self) { writer in
                try await writer.write(try RequestNamespace.current())
                return [:]
            }
        }
        let collector = Collector()
        let contents = try response.accepted.get()
        _ = try await contents.producer(RPCWriter(wrapping: collector))
        let handlerContents = try seenInHandler.accepted.get()
        let first = Collector()
        _ = try await handlerContents.producer(RPCWriter(wrapping: first))
        return (first.values.first ?? "", collector.values.first ?? "")
    }

    @Test("the header's namespace reaches handlers and streaming bodies; absent means default")
    func namespaces() async throws {
        let named = try await call(header: "k8s.io")
        #expect(named.handler == "k8s.io" && named.body == "k8s.io")
        let unnamed = try await call(header: nil)
        #expect(unnamed.handler == "default" && unnamed.body == "default")
        await #expect(throws: CtrError.self) { _ = try await call(header: "no/slashes") }
    }
}

private final class Collector: RPCWriterProtocol, Sendable {
    private let storage = Mutex<[String]>([])
    var values: [String] { storage.withLock { $0 } }
    func write(_ element: String) async throws { storage.withLock { $0.append(element) } }
    func write(contentsOf elements: some Sequence<String>) async throws {
        let array = Array(elements)
        storage.withLock { $0.append(contentsOf: array) }
    }
}
