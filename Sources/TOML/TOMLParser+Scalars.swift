extension TOMLParser {
    // MARK: - Booleans, numbers, date-times

    /// Parses an unquoted scalar: boolean, integer, float or date-time.
    mutating func parseScalarToken() throws(TOMLError) -> TOMLValue {
        let start = pos
        while let c = peek(), isTokenChar(c) { pos += 1 }
        // A date followed by a space and a time is one date-time value.
        if pos - start == 10, isDateShaped(text[start..<pos]), peek() == " ",
            let h1 = peek(1), let h2 = peek(2), isDigit(h1), isDigit(h2), peek(3) == ":"
        {
            pos += 1
            while let c = peek(), isTokenChar(c) { pos += 1 }
        }
        let token = Array(text[start..<pos])
        let literal = string(start..<pos)
        switch literal {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan": return .float(.nan)
        case "-nan": return .float(-.nan)
        default: break
        }
        if isDateShaped(token[...]) || (token.count > 2 && token[2] == ":") {
            guard isValidDateTime(token) else { throw error("invalid date-time \"\(literal)\"", at: start) }
            return .datetime(literal)
        }
        guard let first = token.first, isDigit(first) || first == "+" || first == "-" || first == "." else {
            throw error("invalid value \"\(literal)\"", at: start)
        }
        guard let number = parseNumber(literal) else {
            throw error("invalid number \"\(literal)\"", at: start)
        }
        return number
    }

    /// Parses a TOML integer or float literal; `nil` if malformed or out of
    /// range.
    func parseNumber(_ literal: String) -> TOMLValue? {
        var body = Substring(literal)
        var sign = ""
        if let first = body.first, first == "+" || first == "-" {
            sign = first == "-" ? "-" : ""
            body = body.dropFirst()
        }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where body.hasPrefix(prefix) {
            guard literal.first != "+" && literal.first != "-" else { return nil }
            guard let digits = stripUnderscores(body.dropFirst(2), radix: radix),
                let value = Int64(digits, radix: radix)
            else { return nil }
            return .integer(value)
        }
        var mantissa = body
        var exponent: Substring?
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = body[..<e]
            exponent = body[body.index(after: e)...]
        }
        var integerPart = mantissa
        var fraction: Substring?
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fraction = mantissa[mantissa.index(after: dot)...]
        }
        guard let intDigits = stripUnderscores(integerPart, radix: 10),
            intDigits == "0" || !intDigits.hasPrefix("0")
        else { return nil }
        if fraction == nil && exponent == nil {
            return Int64(sign + intDigits).map { .integer($0) }
        }
        var normalized = sign + intDigits
        if let fraction {
            guard let fracDigits = stripUnderscores(fraction, radix: 10) else { return nil }
            normalized += "." + fracDigits
        }
        if var exponent {
            var expSign = ""
            if let first = exponent.first, first == "+" || first == "-" {
                expSign = String(first)
                exponent = exponent.dropFirst()
            }
            guard let expDigits = stripUnderscores(exponent, radix: 10) else { return nil }
            normalized += "e" + expSign + expDigits
        }
        return Double(normalized).map { .float($0) }
    }
}

/// Validates `digit *( ["_"] digit )` in the given radix and removes the
/// underscores; `nil` if malformed.
func stripUnderscores(_ s: Substring, radix: Int) -> String? {
    var out = ""
    var previousWasDigit = false
    for c in s.unicodeScalars {
        if c == "_" {
            guard previousWasDigit else { return nil }
            previousWasDigit = false
            continue
        }
        guard let value = hexValue(c), Int(value) < radix else { return nil }
        out.unicodeScalars.append(c)
        previousWasDigit = true
    }
    return previousWasDigit ? out : nil
}

/// Characters that may appear in an unquoted value.
func isTokenChar(_ c: Unicode.Scalar) -> Bool {
    isBareKeyChar(c) || c == "+" || c == "." || c == ":"
}

/// `YYYY-MM-DD` at the start of `s` (shape only).
func isDateShaped(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
    let a = Array(s.prefix(10))
    guard a.count == 10, a[4] == "-", a[7] == "-" else { return false }
    return [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy { isDigit(a[$0]) }
}

/// Validates an offset date-time, local date-time, local date or local time.
func isValidDateTime(_ s: [Unicode.Scalar]) -> Bool {
    var p = 0
    func number(_ count: Int) -> Int? {
        guard p + count <= s.count else { return nil }
        var value = 0
        for c in s[p..<p + count] {
            guard isDigit(c) else { return nil }
            value = value * 10 + Int(c.value - 0x30)
        }
        p += count
        return value
    }
    func expect(_ c: Unicode.Scalar) -> Bool {
        guard p < s.count, s[p] == c else { return false }
        p += 1
        return true
    }
    func time() -> Bool {
        guard let h = number(2), h < 24, expect(":"), let m = number(2), m < 60,
            expect(":"), let sec = number(2), sec <= 60
        else { return false }
        if p < s.count && s[p] == "." {
            p += 1
            let digitsStart = p
            while p < s.count && isDigit(s[p]) { p += 1 }
            return p > digitsStart
        }
        return true
    }
    if s.count > 2 && s[2] == ":" {
        return time() && p == s.count
    }
    guard let year = number(4), expect("-"), let month = number(2), expect("-"),
        let day = number(2), (1...12).contains(month), day >= 1,
        day <= daysInMonth(month, year: year)
    else { return false }
    if p == s.count { return true }
    guard s[p] == "T" || s[p] == "t" || s[p] == " " else { return false }
    p += 1
    guard time() else { return false }
    if p == s.count { return true }
    if s[p] == "Z" || s[p] == "z" { return p + 1 == s.count }
    guard s[p] == "+" || s[p] == "-" else { return false }
    p += 1
    guard let oh = number(2), oh < 24, expect(":"), let om = number(2), om < 60 else { return false }
    return p == s.count
}

func daysInMonth(_ month: Int, year: Int) -> Int {
    switch month {
    case 2:
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return leap ? 29 : 28
    case 4, 6, 9, 11:
        return 30
    default:
        return 31
    }
}
