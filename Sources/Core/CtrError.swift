/// The one error type of ctr. Every layer throws it; the gRPC layer maps its `code` to a status code
/// in exactly one table (see `API/ErrorMapping.swift`) and clients map status codes back with it.
public struct CtrError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Mirrors containerd's `errdefs` classes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case unknown, invalidArgument, notFound, alreadyExists, failedPrecondition
            case unavailable, unimplemented, internalError, canceled, deadlineExceeded
            case permissionDenied, resourceExhausted, aborted, outOfRange
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        public static let unknown = Code(.unknown)
        public static let invalidArgument = Code(.invalidArgument)
        public static let notFound = Code(.notFound)
        public static let alreadyExists = Code(.alreadyExists)
        public static let failedPrecondition = Code(.failedPrecondition)
        public static let unavailable = Code(.unavailable)
        public static let unimplemented = Code(.unimplemented)
        public static let internalError = Code(.internalError)
        public static let canceled = Code(.canceled)
        public static let deadlineExceeded = Code(.deadlineExceeded)
        public static let permissionDenied = Code(.permissionDenied)
        public static let resourceExhausted = Code(.resourceExhausted)
        public static let aborted = Code(.aborted)
        public static let outOfRange = Code(.outOfRange)

        public var description: String { value.rawValue }

        /// The code's name (`notFound`), for carrying errors across processes.
        public var name: String { value.rawValue }

        /// The code with this name; `unknown` for names this version does not know.
        public init(name: String) {
            self.value = Value(rawValue: name) ?? .unknown
        }
    }

    public var code: Code
    public var message: String
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        guard let cause else { return message }
        return "\(message): \(cause)"
    }

    public static func notFound(_ message: String) -> CtrError { CtrError(.notFound, message) }
    public static func alreadyExists(_ message: String) -> CtrError { CtrError(.alreadyExists, message) }
    public static func invalidArgument(_ message: String) -> CtrError { CtrError(.invalidArgument, message) }
    public static func failedPrecondition(_ message: String) -> CtrError {
        CtrError(.failedPrecondition, message)
    }
    public static func unimplemented(_ message: String) -> CtrError { CtrError(.unimplemented, message) }
    public static func internalError(_ message: String, cause: (any Error & Sendable)? = nil) -> CtrError {
        CtrError(.internalError, message, cause: cause)
    }
    public static func unavailable(_ message: String, cause: (any Error & Sendable)? = nil) -> CtrError {
        CtrError(.unavailable, message, cause: cause)
    }
}

extension CtrError {
    /// What to tell a user of any error: a CtrError's message, else the error's description.
    public static func message(of error: any Error) -> String {
        (error as? CtrError)?.message ?? "\(error)"
    }

    /// True when `error` is a `CtrError` of the given code.
    public static func `is`(_ error: any Error, _ code: Code) -> Bool {
        (error as? CtrError)?.code == code
    }
}
