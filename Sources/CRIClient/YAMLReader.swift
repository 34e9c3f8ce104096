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

    static func integer(_ text: String) -> Int64? {
        if text.hasPrefix("0x") { return Int64(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int64(text.dropFirst(2), radix: 8) }
        return Int64(text)
    }
}

/// Reads the YAML subset that configuration files use: block mappings and sequences, flow
/// `[a, b]` and `{k: v}`, plain, single- and double-quoted scalars, `|` and `>` block scalars and
/// comments. Anchors, aliases, tags and multi-document streams are refused with an error.
public enum YAMLReader {
    public static func parse(_ text: String) throws(CtrError) -> YAMLNode {
        var parser = try YAMLBlockParser(text)
        return try parser.document()
    }
}

/// One source line: its number (1-based), indentation, and content without the comment.
struct YAMLLine {
    let number: Int
    var indent: Int
    var content: Substring
    let raw: Substring
    var isBlank: Bool { content.isEmpty }
}

struct YAMLBlockParser {
    var lines: [YAMLLine] = []
    var index = 0

    init(_ text: String) throws(CtrError) {
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = raw.last == "\r" ? raw.dropLast() : raw
            let indent = line.prefix { $0 == " " }.count
            var content = YAMLBlockParser.stripComment(line.dropFirst(indent))
            while content.last == " " || content.last == "\t" { content = content.dropLast() }
            if !content.isEmpty, content.first == "\t" {
                throw CtrError.invalidArgument("line \(number): tabs are not allowed for indentation")
            }
            lines.append(YAMLLine(number: number, indent: indent, content: content, raw: line))
        }
    }

    /// The line without a `#` comment (one at the start or after a space, outside quotes).
    static func stripComment(_ text: Substring) -> Substring {
        var quote: Character?
        var previous: Character = " "
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if open == "\"" && character == "\\" {
                    index = text.index(after: index)
                    if index < text.endIndex { index = text.index(after: index) }
                    previous = "x"
                    continue
                }
                if character == open { quote = nil }
            } else if character == "#" && (previous == " " || previous == "\t") {
                return text[..<index]
            } else if (character == "\"" || character == "'") && " \t[{,:-".contains(previous) {
                quote = character
            }
            previous = character
            index = text.index(after: index)
        }
        return text
    }

    func error(_ line: YAMLLine, _ reason: String) -> CtrError {
        .invalidArgument("line \(line.number): \(reason)")
    }

    mutating func skipBlank() {
        while index < lines.count, lines[index].isBlank { index += 1 }
    }

    mutating func document() throws(CtrError) -> YAMLNode {
        skipBlank()
        if index < lines.count, lines[index].indent == 0, lines[index].content == "---" {
            index += 1
            skipBlank()
        }
        guard index < lines.count else { return .null }
        let node = try node()
        skipBlank()
        if index < lines.count, lines[index].content == "..." || lines[index].content == "---" {
            index += 1
            skipBlank()
            if index < lines.count { throw error(lines[index], "only one YAML document is supported") }
        }
        if index < lines.count { throw error(lines[index], "unexpected content (check the indentation)") }
        return node
    }

    /// The block node starting at the current (non-blank) line.
    mutating func node() throws(CtrError) -> YAMLNode {
        skipBlank()
        guard index < lines.count else { return .null }
        let line = lines[index]
        if YAMLBlockParser.isSequenceItem(line.content) { return try sequence(indent: line.indent) }
        if try YAMLBlockParser.splitKey(line.content, line: line) != nil { return try mapping(indent: line.indent) }
        index += 1
        return try inlineValue(line.content, line: line, parentIndent: line.indent - 1)
    }

    static func isSequenceItem(_ content: Substring) -> Bool {
        content == "-" || content.hasPrefix("- ")
    }

    mutating func sequence(indent: Int) throws(CtrError) -> YAMLNode {
        var items: [YAMLNode] = []
        while true {
            skipBlank()
            guard index < lines.count, lines[index].indent == indent, YAMLBlockParser.isSequenceItem(lines[index].content)
            else { break }
            let line = lines[index]
            let afterDash = line.content.dropFirst()
            let rest = afterDash.drop { $0 == " " }
            if rest.isEmpty {
                index += 1
                items.append(try nested(parentIndent: indent, sameIndentSequence: false))
            } else {
                // `- key: value` and `- - x`: the rest is a node indented past the dash.
                lines[index].indent = indent + 1 + (afterDash.count - rest.count)
                lines[index].content = rest
                items.append(try node())
            }
        }
        if index < lines.count, lines[index].indent > indent {
            throw error(lines[index], "unexpected indentation in a sequence")
        }
        return .sequence(items)
    }

    mutating func mapping(indent: Int) throws(CtrError) -> YAMLNode {
        var members: [(String, YAMLNode)] = []
        while true {
            skipBlank()
            guard index < lines.count, lines[index].indent == indent else { break }
            let line = lines[index]
            if YAMLBlockParser.isSequenceItem(line.content) { break }
            guard let (key, rest) = try YAMLBlockParser.splitKey(line.content, line: line) else {
                throw error(line, "expected \"key: value\"")
            }
            if members.contains(where: { $0.0 == key }) { throw error(line, "duplicate key \"\(key)\"") }
            index += 1
            if rest.isEmpty {
                members.append((key, try nested(parentIndent: indent, sameIndentSequence: true)))
            } else {
                members.append((key, try inlineValue(rest, line: line, parentIndent: indent)))
            }
        }
        if index < lines.count, lines[index].indent > indent {
            throw error(lines[index], "unexpected indentation in a mapping")
        }
        return .mapping(members)
    }

    /// The value of `key:` or `-` with nothing after it: a more indented block, a sequence at the
    /// key's own indentation, or null.
    mutating func nested(parentIndent: Int, sameIndentSequence: Bool) throws(CtrError) -> YAMLNode {
        skipBlank()
        guard index < lines.count else { return .null }
        let line = lines[index]
        if line.indent > parentIndent { return try node() }
        if sameIndentSequence, line.indent == parentIndent, YAMLBlockParser.isSequenceItem(line.content) {
            return try sequence(indent: parentIndent)
        }
        return .null
    }

    /// Splits `key: rest` (or `key:`); nil when the line is not a mapping entry.
    static func splitKey(_ content: Substring, line: YAMLLine) throws(CtrError) -> (String, Substring)? {
        guard let first = content.first, !"[{#&*!|>%@`".contains(first), !isSequenceItem(content) else { return nil }
        var key: String
        var afterKey: Substring
        if first == "\"" || first == "'" {
            var cursor = YAMLFlowCursor(text: content, line: line)
            key = try cursor.quoted()
            afterKey = content[cursor.index...]
            guard afterKey.first == ":", afterKey.dropFirst().first.map({ $0 == " " }) ?? true else { return nil }
        } else {
            var search = content.startIndex
            while true {
                guard let colon = content[search...].firstIndex(of: ":") else { return nil }
                let next = content.index(after: colon)
                if next == content.endIndex || content[next] == " " {
                    key = String(content[..<colon])
                    afterKey = content[colon...]
                    break
                }
                search = next
            }
            while key.last == " " { key.removeLast() }
        }
        let rest = afterKey.dropFirst().drop { $0 == " " }
        return (key, rest)
    }

    /// A value written after `key:` or `- `: flow collection (possibly continued on the next
    /// lines), quoted or plain scalar, or block scalar.
    mutating func inlineValue(_ text: Substring, line: YAMLLine, parentIndent: Int) throws(CtrError) -> YAMLNode {
        guard let first = text.first else { return .null }
        switch first {
        case "&", "*", "!":
            throw error(line, "anchors, aliases and tags are not supported")
        case "|", ">":
            return try blockScalar(header: text, line: line, parentIndent: parentIndent)
        case "[", "{":
            var joined = String(text)
            while !YAMLBlockParser.balanced(joined) {
                skipBlank()
                guard index < lines.count else { throw error(line, "unterminated flow collection") }
                joined += " " + lines[index].content
                index += 1
            }
            var cursor = YAMLFlowCursor(text: Substring(joined), line: line)
            let value = try cursor.flowNode()
            cursor.skipSpace()
            guard cursor.index == cursor.text.endIndex else { throw error(line, "unexpected text after a flow collection") }
            return value
        case "\"", "'":
            var cursor = YAMLFlowCursor(text: text, line: line)
            let value = try cursor.quoted()
            cursor.skipSpace()
            guard cursor.index == cursor.text.endIndex else { throw error(line, "unexpected text after a quoted string") }
            return .scalar(value, quoted: true)
        default:
            if text.hasPrefix("- ") || text == "-" { throw error(line, "a sequence cannot start after \"key:\" on the same line") }
            return text == "~" || text == "null" ? .null : .scalar(String(text), quoted: false)
        }
    }

    /// True when every `[` and `{` outside quotes is closed.
    static func balanced(_ text: String) -> Bool {
        var depth = 0
        var quote: Character?
        var escaped = false
        for character in text {
            if let open = quote {
                if escaped { escaped = false; continue }
                if open == "\"" && character == "\\" { escaped = true; continue }
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case "[", "{": depth += 1
            case "]", "}": depth -= 1
            default: break
            }
        }
        return depth <= 0 && quote == nil
    }

    /// `|`, `|-`, `|+`, `>`, `>-`, `>+`: the following lines indented past the parent.
    mutating func blockScalar(header: Substring, line: YAMLLine, parentIndent: Int) throws(CtrError) -> YAMLNode {
        let folded = header.first == ">"
        let chomp = header.dropFirst()
        guard chomp.isEmpty || chomp == "-" || chomp == "+" else {
            throw error(line, "unsupported block scalar header \"\(header)\"")
        }
        var body: [Substring] = []
        var blockIndent: Int?
        while index < lines.count {
            let candidate = lines[index]
            let rawIndent = candidate.raw.prefix { $0 == " " }.count
            let blank = candidate.raw.allSatisfy { $0 == " " }
            if !blank {
                if rawIndent <= parentIndent { break }
                if blockIndent == nil { blockIndent = rawIndent }
                if let blockIndent, rawIndent < blockIndent { break }
            }
            body.append(blank ? "" : candidate.raw.dropFirst(blockIndent ?? 0))
            index += 1
        }
        var trailing = 0
        while let last = body.last, last.isEmpty {
            body.removeLast()
            trailing += 1
        }
        var text = ""
        if folded {
            // Lines fold into spaces; each blank line between them is one newline; more-indented
            // lines keep their line breaks.
            var blanks = 0
            var previous: Substring?
            for part in body {
                if part.isEmpty {
                    blanks += 1
                    continue
                }
                if let previous {
                    if blanks > 0 {
                        text += String(repeating: "\n", count: blanks)
                    } else {
                        text += part.first == " " || previous.first == " " ? "\n" : " "
                    }
                } else {
                    text += String(repeating: "\n", count: blanks)
                }
                text += part
                blanks = 0
                previous = part
            }
        } else {
            text = body.joined(separator: "\n")
        }
        switch chomp {
        case "-": break
        case "+": text += String(repeating: "\n", count: body.isEmpty ? trailing : trailing + 1)
        default: if !body.isEmpty { text += "\n" }
        }
        return .scalar(text, quoted: true)
    }
}

/// Reads flow collections and quoted scalars within one (joined) line.
struct YAMLFlowCursor {
    let text: Substring
    var index: Substring.Index
    let line: YAMLLine

    init(text: Substring, line: YAMLLine) {
        self.text = text
        self.index = text.startIndex
        self.line = line
    }

    func error(_ reason: String) -> CtrError {
        .invalidArgument("line \(line.number): \(reason)")
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
