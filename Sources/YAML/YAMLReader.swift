public import Core

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

    /// Errors read `line L, column C: reason`, as the TOML parser's do (1-based, in characters).
    static func error(line: Int, column: Int, _ reason: String) -> CtrError {
        .invalidArgument("line \(line), column \(column): \(reason)")
    }
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
                throw YAMLLine.error(line: number, column: indent + 1, "tabs are not allowed for indentation")
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

    /// An error at `line`, its column where the line's content starts.
    func error(_ line: YAMLLine, _ reason: String) -> CtrError {
        YAMLLine.error(line: line.number, column: line.indent + 1, reason)
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
            var continued = false
            while !YAMLBlockParser.balanced(joined) {
                skipBlank()
                guard index < lines.count else { throw error(line, "unterminated flow collection") }
                joined += " " + lines[index].content
                index += 1
                continued = true
            }
            var cursor = continued ? YAMLFlowCursor(text: Substring(joined), line: line, joined: true)
                : YAMLFlowCursor(text: text, line: line)
            let value = try cursor.flowNode()
            cursor.skipSpace()
            guard cursor.index == cursor.text.endIndex else { throw cursor.error("unexpected text after a flow collection") }
            return value
        case "\"", "'":
            var cursor = YAMLFlowCursor(text: text, line: line)
            let value = try cursor.quoted()
            cursor.skipSpace()
            guard cursor.index == cursor.text.endIndex else { throw cursor.error("unexpected text after a quoted string") }
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
