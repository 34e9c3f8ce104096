import GRPCCore
import GRPCProtobuf
import SwiftProtobuf

extension RPCRouter {
    /// Registers one unary method. Services register only the methods they implement, so a call
    /// to any other method of the service gets gRPC's UNIMPLEMENTED.
    mutating func unary<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>(
        _ method: MethodDescriptor,
        _ handler: @escaping @Sendable (Input, ServerContext) async throws -> Output
    ) {
        registerHandler(
            forMethod: method,
            deserializer: ProtobufDeserializer<Input>(),
            serializer: ProtobufSerializer<Output>(),
            handler: { request, context in
                let response = try await ServerResponse(message: handler(ServerRequest(stream: request).message, context))
                return StreamingServerResponse(single: response)
            }
        )
    }
}

/// Writes a listing as several stream messages of at most `size` items (at least one message,
/// possibly empty), which keeps each message well under the gRPC size limit.
func writeInBatches<Item: Sendable>(_ items: [Item], size: Int = 100,
                                    _ write: (ArraySlice<Item>) async throws -> Void) async throws {
    var start = 0
    repeat {
        try await write(items[start..<min(start + size, items.count)])
        start += size
    } while start < items.count
}
