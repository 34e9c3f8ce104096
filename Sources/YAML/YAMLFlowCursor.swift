import Core

/// Reads flow collections and quoted scalars within one (joined) line.
struct YAMLFlowCursor {
    let text: Substring
    var index: Substring.Index
    let line: YAMLLine
    /// `text` joins several lines (a flow collection spread over them), so its positions are not
    /// columns of `line`.
    let joined: Bool

    init(text: Substring, line: YAMLLine, joined: Bool = false) {
        self.text = text
        self.index = text.startIndex
        self.line = line
        self.joined = joined
    }

    /// An error at the cursor: its column in the line, or where the line's content starts when
    /// the text spans lines.
    func error(_ reason: String) -> CtrError {
        let column = joined ? line.indent + 1 : line.raw.distance(from: line.raw.startIndex, to: index) + 1
        return YAMLLine.error(line: line.number, column: column, reason)
    }

    var current: Character? { index < text.endIndex ? text[index] : nil }

    mutating func advance() { index = text.index(after: index) }

    mutating func skipSpace() {
        while let character = current, character == " " || character == "\t" { advance() }
    }

    mutating func flowNode() throws(CtrError) -> YAMLNode {
        skipSpace()
        switch current {
        case "[":
            advance()
            var items: [YAMLNode] = []
            while true {
                skipSpace()
                if current == "]" { advance(); return .sequence(items) }
                items.append(try flowNode())
                skipSpace()
                if current == "," { advance(); continue }
                if current == "]" { advance(); return .sequence(items) }
                throw error("expected \",\" or \"]\" in a flow sequence")
            }
        case "{":
            advance()
            var members: [(String, YAMLNode)] = []
            while true {
                skipSpace()
                if current == "}" { advance(); return .mapping(members) }
                let key: String
                switch try flowNode() {
                case .scalar(let text, _): key = text
                case .null: key = ""
                default: throw error("flow mapping keys must be scalars")
                }
                skipSpace()
                var value = YAMLNode.null
                if current == ":" {
                    advance()
                    skipSpace()
                    if current != "," && current != "}" { value = try flowNode() }
                }
                if members.contains(where: { $0.0 == key }) { throw error("duplicate key \"\(key)\"") }
                members.append((key, value))
                skipSpace()
                if current == "," { advance(); continue }
                if current == "}" { advance(); return .mapping(members) }
                throw error("expected \",\" or \"}\" in a flow mapping")
            }
        case "\"", "'":
            return .scalar(try quoted(), quoted: true)
        case nil:
            throw error("unexpected end of a flow collection")
        case let character?:
            if "&*!".contains(character) { throw error("anchors, aliases and tags are not supported") }
            var plain = ""
            while let next = current, !",[]{}".contains(next) {
                if next == ":" {
                    let after = text.index(after: index)
                    if after == text.endIndex || " ,]}".contains(text[after]) { break }
                }
                plain.append(next)
                advance()
            }
            while plain.last == " " { plain.removeLast() }
            if plain.isEmpty { throw error("unexpected \"\(character)\" in a flow collection") }
            return plain == "~" || plain == "null" ? .null : .scalar(plain, quoted: false)
        }
    }

    /// A single- or double-quoted scalar at the cursor.
    mutating func quoted() throws(CtrError) -> String {
        guard let open = current else { throw error("expected a quoted string") }
        advance()
        var value = ""
        while true {
            guard let character = current else { throw error("unterminated quoted string") }
            advance()
            if open == "'" {
                if character == "'" {
                    if current == "'" { value.append("'"); advance(); continue }
                    return value
                }
                value.append(character)
                continue
            }
            if character == "\"" { return value }
            if character != "\\" { value.append(character); continue }
            guard let escape = current else { throw error("unterminated escape") }
            advance()
            switch escape {
            case "n": value.append("\n")
            case "t": value.append("\t")
            case "r": value.append("\r")
            case "0": value.append("\0")
            case "\"", "\\", "/", " ": value.append(escape)
            case "u", "x", "U":
                let width = escape == "x" ? 2 : escape == "u" ? 4 : 8
                var hex = ""
                for _ in 0..<width {
                    guard let digit = current, digit.isHexDigit else { throw error("invalid \\\(escape) escape") }
                    hex.append(digit)
                    advance()
                }
                guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                    throw error("invalid \\\(escape) escape")
                }
                value.unicodeScalars.append(scalar)
            default: throw error("unknown escape \\\(escape)")
            }
        }
    }
}
