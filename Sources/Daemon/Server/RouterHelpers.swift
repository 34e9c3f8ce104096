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
