/// A single TOML value.
///
/// Date-times (offset and local date-times, local dates and local times) are
/// kept as their literal source text in `.datetime`; their shape is validated
/// by the parser but they are not interpreted.
public enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case bool(Bool)
    case datetime(String)
    case array([TOMLValue])
    case table(TOMLTable)
}

extension TOMLValue {
    /// The string payload of `.string`, otherwise `nil`.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer payload of `.integer`, otherwise `nil`.
    public var integerValue: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }

    /// The payload of `.float`, or an `.integer` widened to `Double`.
    public var doubleValue: Double? {
        switch self {
        case .float(let d): return d
        case .integer(let i): return Double(i)
        default: return nil
        }
    }

    /// The payload of `.bool`, otherwise `nil`.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The literal text of `.datetime`, otherwise `nil`.
    public var datetimeValue: String? {
        if case .datetime(let s) = self { return s }
        return nil
    }

    /// The elements of `.array`, otherwise `nil`.
    public var arrayValue: [TOMLValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The payload of `.table`, otherwise `nil`.
    public var tableValue: TOMLTable? {
        if case .table(let t) = self { return t }
        return nil
    }

    /// The elements of an array of strings; `nil` if this is not an array or
    /// any element is not a string.
    public var stringArrayValue: [String]? {
        guard case .array(let a) = self else { return nil }
        var out: [String] = []
        out.reserveCapacity(a.count)
        for element in a {
            guard case .string(let s) = element else { return nil }
            out.append(s)
        }
        return out
    }
}

extension TOMLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TOMLValue...) { self = .array(elements) }
}

/// A TOML table: string keys mapped to values, remembering insertion order.
///
/// Equality ignores key order (two tables are equal when they hold the same
/// keys with equal values), matching TOML semantics.
public struct TOMLTable: Sendable, Equatable {
    private var order: [String] = []
    private var storage: [String: TOMLValue] = [:]

    public init() {}

    /// Keys in insertion order.
    public var keys: [String] { order }

    /// Number of keys.
    public var count: Int { order.count }

    /// Whether the table has no keys.
    public var isEmpty: Bool { order.isEmpty }

    /// Gets or sets the value for `key`. Setting `nil` removes the key;
    /// setting an existing key keeps its position.
    public subscript(key: String) -> TOMLValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil {
                    order.append(key)
                }
            } else if storage.removeValue(forKey: key) != nil {
                order.removeAll { $0 == key }
            }
        }
    }

    /// Key/value pairs in insertion order.
    public var entries: [(key: String, value: TOMLValue)] {
        order.compactMap { key in storage[key].map { (key: key, value: $0) } }
    }

    /// Follows `path` through nested tables; an empty path yields the table
    /// itself.
    public func value(at path: [String]) -> TOMLValue? {
        guard let first = path.first else { return .table(self) }
        guard let value = storage[first] else { return nil }
        if path.count == 1 { return value }
        guard case .table(let sub) = value else { return nil }
        return sub.value(at: Array(path.dropFirst()))
    }

    /// Convenience for `value(at:)` with a variadic path.
    public func value(at path: String...) -> TOMLValue? {
        value(at: path)
    }

    /// The nested table at `path`, if there is one.
    public func table(at path: [String]) -> TOMLTable? {
        value(at: path)?.tableValue
    }

    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool {
        lhs.storage == rhs.storage
    }
}

extension TOMLTable: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, TOMLValue)...) {
        self.init()
        for (key, value) in elements { self[key] = value }
    }
}
