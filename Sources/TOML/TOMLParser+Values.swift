extension TOMLParser {
    // MARK: - Values

    mutating func parseValue() throws(TOMLError) -> TOMLValue {
        guard let c = peek() else { throw error("missing value, found end of file") }
        switch c {
        case "\"":
            if peek(1) == "\"" && peek(2) == "\"" { return .string(try parseMultilineString(literal: false)) }
            return .string(try parseBasicString())
        case "'":
            if peek(1) == "'" && peek(2) == "'" { return .string(try parseMultilineString(literal: true)) }
            return .string(try parseLiteralString())
        case "[":
            return try nested { (p: inout TOMLParser) throws(TOMLError) in try p.parseArray() }
        case "{":
            return try nested { (p: inout TOMLParser) throws(TOMLError) in try p.parseInlineTable() }
        case "\n", "\r", "#":
            throw error("missing value")
        default:
            guard isTokenChar(c) else { throw error("unexpected character \(describe(c))") }
            return try parseScalarToken()
        }
    }

    mutating func nested(
        _ body: (inout TOMLParser) throws(TOMLError) -> TOMLValue
    ) throws(TOMLError) -> TOMLValue {
        guard depth < Self.maxDepth else { throw error("arrays and inline tables nested too deeply") }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    mutating func parseArray() throws(TOMLError) -> TOMLValue {
        let start = pos
        pos += 1  // "["
        var items: [TOMLValue] = []
        while true {
            try skipBlankAndComments()
            guard let c = peek() else { throw error("unterminated array", at: start) }
            if c == "]" {
                pos += 1
                return .array(items)
            }
            items.append(try parseValue())
            try skipBlankAndComments()
            guard let next = peek() else { throw error("unterminated array", at: start) }
            if next == "," {
                pos += 1
            } else if next != "]" {
                throw error("expected \",\" or \"]\" in array, found \(describe(next))")
            }
        }
    }

    /// Skips whitespace, newlines and comments (inside arrays).
    mutating func skipBlankAndComments() throws(TOMLError) {
        while let c = peek() {
            switch c {
            case " ", "\t", "\n": pos += 1
            case "\r" where peek(1) == "\n": pos += 2
            case "#": try skipComment()
            default: return
            }
        }
    }

    mutating func parseInlineTable() throws(TOMLError) -> TOMLValue {
        let start = pos
        pos += 1  // "{"
        let node = TableNode(origin: .header)
        skipWhitespace()
        if peek() == "}" {
            pos += 1
            return .table(TOMLTable())
        }
        while true {
            skipWhitespace()
            try checkInlineTableContinues(start: start)
            try parseKeyValue(into: node)
            skipWhitespace()
            try checkInlineTableContinues(start: start)
            switch peek() {
            case "}":
                pos += 1
                return .table(node.freeze())
            case ",":
                pos += 1
                skipWhitespace()
                if peek() == "}" { throw error("trailing comma in inline table") }
            default:
                throw error("expected \",\" or \"}\" in inline table, found \(describe(peek()))")
            }
        }
    }

    func checkInlineTableContinues(start: Int) throws(TOMLError) {
        switch peek() {
        case nil: throw error("unterminated inline table", at: start)
        case "\n", "\r": throw error("newline in inline table")
        default: return
        }
    }

    // MARK: - Strings

    mutating func parseBasicString() throws(TOMLError) -> String {
        let start = pos
        pos += 1  // opening quote
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek() else { throw error("unterminated string", at: start) }
            switch c {
            case "\"":
                pos += 1
                return String(out)
            case "\\":
                out.append(try parseEscape())
            case "\n", "\r":
                throw error("newline in basic string")
            default:
                if isControl(c) && c != "\t" { throw error("control character \(describe(c)) in string") }
                out.append(c)
                pos += 1
            }
        }
    }

    mutating func parseLiteralString() throws(TOMLError) -> String {
        let start = pos
        pos += 1  // opening quote
        while let c = peek() {
            if c == "'" {
                pos += 1
                return string(start + 1..<pos - 1)
            }
            if c == "\n" || c == "\r" { throw error("newline in literal string") }
            if isControl(c) && c != "\t" { throw error("control character \(describe(c)) in string") }
            pos += 1
        }
        throw error("unterminated string", at: start)
    }

    /// Parses `"""..."""` (with escapes) or `'''...'''` (raw).
    mutating func parseMultilineString(literal: Bool) throws(TOMLError) -> String {
        let start = pos
        let quote: Unicode.Scalar = literal ? "'" : "\""
        pos += 3
        if peek() == "\n" {
            pos += 1
        } else if peek() == "\r" && peek(1) == "\n" {
            pos += 2
        }
        var out = String.UnicodeScalarView()
        while let c = peek() {
            if c == quote {
                var run = 0
                while peek(run) == quote { run += 1 }
                if run >= 3 {
                    // Up to two quotes may directly precede the closing delimiter.
                    let extra = min(run, 5) - 3
                    out.append(contentsOf: repeatElement(quote, count: extra))
                    pos += extra + 3
                    return String(out)
                }
                out.append(contentsOf: repeatElement(quote, count: run))
                pos += run
            } else if c == "\\" && !literal {
                if try skipLineEndingBackslash() { continue }
                out.append(try parseEscape())
            } else if c == "\n" {
                out.append("\n")
                pos += 1
            } else if c == "\r" && peek(1) == "\n" {
                out.append("\n")
                pos += 2
            } else if isControl(c) && c != "\t" {
                throw error("control character \(describe(c)) in string")
            } else {
                out.append(c)
                pos += 1
            }
        }
        throw error("unterminated multi-line string", at: start)
    }

    /// At a backslash: if only whitespace follows up to the end of the line,
    /// skips it and all following whitespace and newlines.
    mutating func skipLineEndingBackslash() throws(TOMLError) -> Bool {
        var offset = 1
        while let c = peek(offset), c == " " || c == "\t" { offset += 1 }
        guard peek(offset) == "\n" || (peek(offset) == "\r" && peek(offset + 1) == "\n") else { return false }
        pos += offset
        while let c = peek() {
            if c == " " || c == "\t" || c == "\n" {
                pos += 1
            } else if c == "\r" && peek(1) == "\n" {
                pos += 2
            } else {
                break
            }
        }
        return true
    }

    /// At a backslash inside a basic string: decodes one escape sequence.
    mutating func parseEscape() throws(TOMLError) -> Unicode.Scalar {
        let start = pos
        pos += 1  // backslash
        guard let c = peek() else { throw error("unterminated string") }
        pos += 1
        switch c {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = c == "u" ? 4 : 8
            var value: UInt32 = 0
            for offset in 0..<count {
                guard let h = peek(offset), let digit = hexValue(h) else {
                    throw error("invalid unicode escape \"\(string(start..<min(pos + offset + 1, text.count)))\"", at: start)
                }
                value = value &* 16 &+ digit
            }
            pos += count
            guard let scalar = Unicode.Scalar(value) else {
                throw error("invalid unicode escape \"\(string(start..<pos))\" (not a unicode scalar value)", at: start)
            }
            return scalar
        default:
            throw error("invalid escape sequence \"\\\(c)\"", at: start)
        }
    }
}

func hexValue(_ c: Unicode.Scalar) -> UInt32? {
    switch c {
    case "0"..."9": return c.value - 0x30
    case "a"..."f": return c.value - 0x61 + 10
    case "A"..."F": return c.value - 0x41 + 10
    default: return nil
    }
}
