/// A mutable table under construction. Tracks how each table came to exist so
/// that TOML's rules about (re)defining tables can be enforced.
final class TableNode {
    enum Origin: Equatable {
        /// Created only as the parent of a `[header]` (may be defined later).
        case implicit
        /// Defined by a `[header]` or as an element of `[[array]]`.
        case header
        /// Created by a dotted key in the given section.
        case dotted(section: Int)
    }

    enum Entry {
        case value(TOMLValue)
        case table(TableNode)
        case tables([TableNode])
    }

    var origin: Origin
    private(set) var order: [String] = []
    private(set) var entries: [String: Entry] = [:]

    init(origin: Origin) { self.origin = origin }

    subscript(key: String) -> Entry? {
        get { entries[key] }
        set {
            guard let newValue else { return }
            if entries.updateValue(newValue, forKey: key) == nil { order.append(key) }
        }
    }

    func freeze() -> TOMLTable {
        var table = TOMLTable()
        for key in order {
            switch entries[key] {
            case .value(let value): table[key] = value
            case .table(let node): table[key] = .table(node.freeze())
            case .tables(let nodes): table[key] = .array(nodes.map { .table($0.freeze()) })
            case nil: break
            }
        }
        return table
    }
}

/// Recursive-descent TOML 1.0 parser over Unicode scalars.
struct TOMLParser {
    let text: [Unicode.Scalar]
    var pos = 0
    let root = TableNode(origin: .header)
    var current: TableNode
    /// Incremented for every table header; used for the dotted-key rules.
    var section = 0
    var depth = 0
    static let maxDepth = 128

    init(_ source: String) {
        var scalars = Array(source.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        text = scalars
        current = root
    }

    // MARK: - Document structure

    mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        while true {
            skipWhitespace()
            guard let c = peek() else { break }
            switch c {
            case "#", "\n", "\r":
                try expectLineEnd(after: "")
            case "[":
                try parseHeader()
                try expectLineEnd(after: "table header")
            default:
                try parseKeyValue(into: current)
                try expectLineEnd(after: "value")
            }
        }
        return root.freeze()
    }

    /// Skips trailing whitespace and an optional comment, then requires a
    /// newline (consumed) or the end of input.
    mutating func expectLineEnd(after what: String) throws(TOMLError) {
        skipWhitespace()
        if peek() == "#" { try skipComment() }
        guard let c = peek() else { return }
        if c == "\n" { pos += 1; return }
        if c == "\r" && peek(1) == "\n" { pos += 2; return }
        if c == "\r" { throw error("carriage return not followed by newline") }
        throw error("unexpected character \(describe(c)) after \(what)")
    }

    mutating func skipComment() throws(TOMLError) {
        pos += 1  // "#"
        while let c = peek(), c != "\n" {
            if c == "\r" && peek(1) == "\n" { return }
            if isControl(c) && c != "\t" { throw error("control character \(describe(c)) in comment") }
            pos += 1
        }
    }

    mutating func parseHeader() throws(TOMLError) {
        let start = pos
        pos += 1  // "["
        let isArray = peek() == "["
        if isArray { pos += 1 }
        let keys = try parseKeyPath()
        guard peek() == "]" else {
            throw error("expected \"]\" to close table header, found \(describe(peek()))")
        }
        pos += 1
        if isArray {
            guard peek() == "]" else {
                throw error("expected \"]]\" to close array of tables header")
            }
            pos += 1
        }
        section += 1
        current = try openTable(keys, isArray: isArray, at: start)
    }

    /// Finds or creates the table named by a `[header]` / `[[header]]`.
    mutating func openTable(_ keys: [String], isArray: Bool, at start: Int) throws(TOMLError) -> TableNode {
        var node = root
        for (index, key) in keys.enumerated() {
            let path = keys[...index].joined(separator: ".")
            let isLast = index == keys.count - 1
            switch node[key] {
            case nil:
                let child = TableNode(origin: isLast ? .header : .implicit)
                node[key] = isLast && isArray ? .tables([child]) : .table(child)
                node = child
            case .table(let child):
                if isLast {
                    if isArray || child.origin != .implicit {
                        throw error("table \"\(path)\" is already defined", at: start)
                    }
                    child.origin = .header
                }
                node = child
            case .tables(var children):
                if isLast {
                    guard isArray else { throw error("table \"\(path)\" is already defined as an array of tables", at: start) }
                    let child = TableNode(origin: .header)
                    children.append(child)
                    node[key] = .tables(children)
                    node = child
                } else if let last = children.last {
                    node = last
                }
            case .value(let value):
                if isLast, isArray, case .array = value {
                    throw error("cannot append to static array \"\(path)\"", at: start)
                }
                if isLast { throw error("duplicate key \"\(path)\"", at: start) }
                throw error("key \"\(path)\" is not a table", at: start)
            }
        }
        return node
    }

    /// Parses `key = value` and stores it in `table`.
    mutating func parseKeyValue(into table: TableNode) throws(TOMLError) {
        let start = pos
        let keys = try parseKeyPath()
        guard peek() == "=" else {
            throw error("missing \"=\" after key \"\(keys.joined(separator: "."))\"")
        }
        pos += 1
        skipWhitespace()
        let value = try parseValue()
        try assign(value, to: keys, in: table, at: start)
    }

    /// Stores `value` under a (possibly dotted) key relative to `table`.
    func assign(_ value: TOMLValue, to keys: [String], in table: TableNode, at start: Int) throws(TOMLError) {
        var node = table
        for (index, key) in keys.enumerated() {
            let path = keys[...index].joined(separator: ".")
            if index == keys.count - 1 {
                guard node[key] == nil else { throw error("duplicate key \"\(path)\"", at: start) }
                node[key] = .value(value)
                return
            }
            switch node[key] {
            case nil:
                let child = TableNode(origin: .dotted(section: section))
                node[key] = .table(child)
                node = child
            case .table(let child):
                switch child.origin {
                case .header:
                    throw error("cannot redefine table \"\(path)\" with dotted keys", at: start)
                case .dotted(let s) where s != section:
                    throw error("cannot redefine table \"\(path)\" outside the section that defined it", at: start)
                case .implicit:
                    child.origin = .dotted(section: section)
                case .dotted:
                    break
                }
                node = child
            case .tables:
                throw error("cannot redefine array of tables \"\(path)\" with dotted keys", at: start)
            case .value:
                throw error("key \"\(path)\" is not a table", at: start)
            }
        }
    }

    // MARK: - Keys

    /// Parses `key(.key)*` with surrounding whitespace.
    mutating func parseKeyPath() throws(TOMLError) -> [String] {
        var keys: [String] = []
        while true {
            skipWhitespace()
            keys.append(try parseSimpleKey())
            skipWhitespace()
            guard peek() == "." else { return keys }
            pos += 1
        }
    }

    mutating func parseSimpleKey() throws(TOMLError) -> String {
        guard let c = peek() else { throw error("expected a key, found end of file") }
        if c == "\"" || c == "'" {
            if peek(1) == c && peek(2) == c { throw error("multi-line strings cannot be used as keys") }
            return c == "\"" ? try parseBasicString() : try parseLiteralString()
        }
        let start = pos
        while let k = peek(), isBareKeyChar(k) { pos += 1 }
        guard pos > start else {
            if c == "\n" || c == "\r" { throw error("expected a key, found newline") }
            throw error("unexpected character \(describe(c))")
        }
        return string(start..<pos)
    }

    // MARK: - Scanning helpers

    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let index = pos + offset
        return index < text.count ? text[index] : nil
    }

    mutating func skipWhitespace() {
        while let c = peek(), c == " " || c == "\t" { pos += 1 }
    }

    func string(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: text[range])
        return String(view)
    }

    func error(_ reason: String, at index: Int? = nil) -> TOMLError {
        let end = min(index ?? pos, text.count)
        var line = 1
        var column = 1
        for scalar in text[..<end] {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return TOMLError(line: line, column: column, reason: reason)
    }

    func describe(_ c: Unicode.Scalar?) -> String {
        guard let c else { return "end of file" }
        if c == "\n" { return "newline" }
        if isControl(c) || c == " " {
            let hex = String(c.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        if c == "\"" { return "'\"'" }
        return "\"\(c)\""
    }
}

func isControl(_ c: Unicode.Scalar) -> Bool {
    c.value < 0x20 || c.value == 0x7F
}

func isDigit(_ c: Unicode.Scalar) -> Bool {
    c >= "0" && c <= "9"
}

func isBareKeyChar(_ c: Unicode.Scalar) -> Bool {
    (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || isDigit(c) || c == "_" || c == "-"
}
