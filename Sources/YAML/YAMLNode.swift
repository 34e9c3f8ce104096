public import Core

/// A YAML document as the reader sees it: scalars keep their text and whether they were quoted,
/// so a caller that knows the schema decides what `1.10` or `true` means.
public indirect enum YAMLNode: Sendable, Equatable {
    case scalar(String, quoted: Bool)
    case sequence([YAMLNode])
    case mapping([(String, YAMLNode)])
    case null

    public static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.scalar(let a, let qa), .scalar(let b, let qb)): return a == b && qa == qb
        case (.sequence(let a), .sequence(let b)): return a == b
        case (.mapping(let a), .mapping(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The document as JSON with YAML 1.2's core schema: `true`/`false`, `null`/`~`, integers and
    /// floats are typed, every other plain scalar is a string.
    public var json: JSONValue {
        switch self {
        case .null: return .null
        case .scalar(let text, let quoted):
            return quoted ? .string(text) : YAMLNode.resolvePlain(text)
        case .sequence(let items): return .array(items.map(\.json))
        case .mapping(let members): return .object(members.map { ($0.0, $0.1.json) })
        }
    }

    /// A plain scalar under the core schema.
    public static func resolvePlain(_ text: String) -> JSONValue {
        switch text {
        case "null", "Null", "NULL", "~", "": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let integer = integer(text) { return .integer(integer) }
        if text.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true,
           !text.contains(where: { $0.isLetter && $0 != "e" && $0 != "E" }), let number = Double(text)
        {
            return .number(number)
        }
        return .string(text)
    }

    /// A YAML 1.2 core-schema integer (decimal, 0x hex, 0o octal), nil for other text.
    public static func integer(_ text: String) -> Int64? {
        if text.hasPrefix("0x") { return Int64(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int64(text.dropFirst(2), radix: 8) }
        return Int64(text)
    }
}
