import GRPCCore
import SwiftProtobuf
import Transport

extension InlineUnaryMethod {
    /// A method whose response is already-encoded list entries (see `CRIWire`).
    static func encoded<Input: SwiftProtobuf.Message>(
        _ handler: @escaping @Sendable (Input) throws -> [[UInt8]]
    ) -> InlineUnaryMethod {
        InlineUnaryMethod { request in
            let input: Input
            do {
                input = try Input(serializedBytes: Array(request.readableBytesView))
            } catch {
                return .failure(RPCError(code: .invalidArgument,
                                         message: "cannot decode the \(Input.protoMessageName) request: \(error)"))
            }
            do {
                return .success(WireBytes(concatenating: try handler(input)))
            } catch {
                return .failure(rpcError(error))
            }
        }
    }
}

extension InlineUnaryMethod {
    /// A method answered with one message, encoded here.
    static func message<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>(
        _ handler: @escaping @Sendable (Input) throws -> Output
    ) -> InlineUnaryMethod {
        encoded { (input: Input) in [try handler(input).serializedBytes()] }
    }

    /// A method answered inline with one message when `handler` can; when it returns nil (a
    /// request that needs more than memory), the request goes to the router as a task.
    static func messageIfInMemory<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>(
        _ handler: @escaping @Sendable (Input) throws -> Output?
    ) -> InlineUnaryMethod {
        InlineUnaryMethod { request in
            // A request that does not decode is the router's to report.
            guard let input = try? Input(serializedBytes: Array(request.readableBytesView)) else { return nil }
            do {
                guard let output = try handler(input) else { return nil }
                return .success(WireBytes(concatenating: [try output.serializedBytes()]))
            } catch {
                return .failure(rpcError(error))
            }
        }
    }

    static func rpcError(_ error: any Error) -> RPCError {
        if let error = error as? RPCError { return error }
        if let error = error as? any RPCErrorConvertible { return RPCError(error) }
        return RPCError(code: .unknown, message: "\(error)")
    }
}

/// A plugin with methods its handlers can answer inline (see `InlineUnaryMethod`), by path
/// (`/runtime.v1.RuntimeService/ListContainers`).
protocol InlineMethodProvider {
    var inlineMethods: [String: InlineUnaryMethod] { get }
}
