/// A TOML syntax or semantic error, located at a 1-based line and column
/// (columns count Unicode scalars).
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var reason: String

    public init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `"line L, column C: reason"`.
    public var description: String {
        "line \(line), column \(column): \(reason)"
    }
}
