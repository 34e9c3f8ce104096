import Glibc

/// An errno value, printed as our messages want it: strerror's text, lowercased
/// (`"create directory /x: \(Errno.current)"` → `create directory /x: permission denied`).
public struct Errno: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: Int32

    public init(_ code: Int32) { self.code = code }

    /// The calling thread's errno now.
    public static var current: Errno { Errno(errno) }

    public var description: String { String(cString: strerror(code)).lowercased() }
}
