import Core
public import GRPCCore

/// The single table between `CtrError.Code` and gRPC status codes, used by servers (an error thrown
/// by a service becomes this status) and clients (a status received becomes this error), like
/// containerd's `errdefs` package.
public enum ErrorMapping {
    static let table: [(CtrError.Code, RPCError.Code)] = [
        (.invalidArgument, .invalidArgument),
        (.notFound, .notFound),
        (.alreadyExists, .alreadyExists),
        (.failedPrecondition, .failedPrecondition),
        (.unavailable, .unavailable),
        (.unimplemented, .unimplemented),
        (.internalError, .internalError),
        (.canceled, .cancelled),
        (.deadlineExceeded, .deadlineExceeded),
        (.permissionDenied, .permissionDenied),
        (.resourceExhausted, .resourceExhausted),
        (.aborted, .aborted),
        (.outOfRange, .outOfRange),
        (.unknown, .unknown),
    ]

    public static func rpcCode(_ code: CtrError.Code) -> RPCError.Code {
        table.first { $0.0 == code }?.1 ?? .unknown
    }

    public static func ctrCode(_ code: RPCError.Code) -> CtrError.Code {
        table.first { $0.1 == code }?.0 ?? .unknown
    }

    /// Converts any error a client call threw into a `CtrError`, keeping the server's message.
    public static func ctrError(_ error: any Error) -> CtrError {
        if let error = error as? CtrError { return error }
        if let error = error as? RPCError {
            return CtrError(ctrCode(error.code), error.message)
        }
        return CtrError(.unknown, "\(error)")
    }
}

extension CtrError: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code { ErrorMapping.rpcCode(code) }
    public var rpcErrorMessage: String { description }
}
