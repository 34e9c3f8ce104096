/// containerd's filter language: `field==value`, `field!=value`, `field~=regexp` or a bare `field`
/// (present and non-empty), joined by `,` (all must hold). Field paths are dotted
/// (`labels."my.label"==x`); values may be quoted. Several filter strings are alternatives: an
/// object matches a list of filters when it matches any of them (an empty list matches all).
public struct Filter: Sendable, Equatable {
    public enum Operator: String, Sendable {
        case equal = "==", notEqual = "!=", matches = "~="
    }

    public struct Selector: Sendable, Equatable {
        public var fieldPath: [String]
        public var op: Operator?
        public var value: String
    }

    public var selectors: [Selector]

    /// Looks up a field path on an object; nil when the object has no such field.
    public typealias Adaptor = ([String]) -> String?

    public func matches(_ adaptor: Adaptor) -> Bool {
        selectors.allSatisfy { selector in
            let found = adaptor(selector.fieldPath)
            switch selector.op {
            case nil:
                return !(found ?? "").isEmpty
            case .equal?:
                return found == selector.value
            case .notEqual?:
                return found != selector.value
            case .matches?:
                guard let found, let regex = try? Regex(selector.value) else { return false }
                return found.contains(regex)
            }
        }
    }

    /// Parses a list of filter strings (alternatives).
    public static func parseAll(_ filters: [String]) throws(CtrError) -> [Filter] {
        var result: [Filter] = []
        for filter in filters where !filter.isEmpty {
            result.append(try parse(filter))
        }
        return result
    }

    /// True when `filters` is empty or any of them matches.
    public static func any(_ filters: [Filter], _ adaptor: Adaptor) -> Bool {
        filters.isEmpty || filters.contains { $0.matches(adaptor) }
    }

    public static func parse(_ text: String) throws(CtrError) -> Filter {
        var scanner = FilterScanner(text: Array(text.unicodeScalars))
        var selectors: [Selector] = []
        repeat {
            selectors.append(try scanner.selector(source: text))
        } while try scanner.separator(source: text)
        return Filter(selectors: selectors)
    }
}

private struct FilterScanner {
    let text: [Unicode.Scalar]
    var index = 0

    mutating func skipSpaces() {
        while index < text.count, text[index] == " " || text[index] == "\t" { index += 1 }
    }

    func error(_ reason: String, _ source: String) -> CtrError {
        .invalidArgument("invalid filter \"\(source)\" at position \(index): \(reason)")
    }

    mutating func selector(source: String) throws(CtrError) -> Filter.Selector {
        var path: [String] = []
        repeat {
            skipSpaces()
            let field = try word(source: source, stopAt: ".,=!~ ")
            if field.isEmpty { throw error("expected a field name", source) }
            path.append(field)
        } while consume(".")
        skipSpaces()
        for op in [Filter.Operator.equal, .notEqual, .matches] where peek(op.rawValue) {
            index += 2
            skipSpaces()
            let value = try word(source: source, stopAt: ",")
            return Filter.Selector(fieldPath: path, op: op, value: value)
        }
        return Filter.Selector(fieldPath: path, op: nil, value: "")
    }

    mutating func separator(source: String) throws(CtrError) -> Bool {
        skipSpaces()
        if index >= text.count { return false }
        if consume(",") { return true }
        throw error("unexpected \"\(text[index])\"", source)
    }

    mutating func consume(_ scalar: Unicode.Scalar) -> Bool {
        if index < text.count, text[index] == scalar {
            index += 1
            return true
        }
        return false
    }

    func peek(_ literal: String) -> Bool {
        let scalars = Array(literal.unicodeScalars)
        guard index + scalars.count <= text.count else { return false }
        return Array(text[index..<index + scalars.count]) == scalars
    }

    /// A quoted string (`"…"`, `'…'` or `/…/`) or bare text up to one of `stopAt`.
    mutating func word(source: String, stopAt: String) throws(CtrError) -> String {
        var out = String.UnicodeScalarView()
        if index < text.count, text[index] == "\"" || text[index] == "'" || text[index] == "/" {
            let quote = text[index]
            index += 1
            while index < text.count, text[index] != quote {
                if text[index] == "\\", index + 1 < text.count {
                    index += 1
                    switch text[index] {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    default: out.append(text[index])
                    }
                } else {
                    out.append(text[index])
                }
                index += 1
            }
            guard index < text.count else { throw error("unterminated quoted string", source) }
            index += 1
            return String(out)
        }
        let stops = Set(stopAt.unicodeScalars)
        while index < text.count, !stops.contains(text[index]) {
            out.append(text[index])
            index += 1
        }
        var value = String(out)
        while value.last == " " { value.removeLast() }
        return value
    }
}
