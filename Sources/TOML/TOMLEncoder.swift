/// Serializes `TOMLTable`s as TOML 1.0 text.
struct TOMLEncoder {
    var output = ""

    /// Writes the key/value lines of `table`, then its sub-tables as sections.
    mutating func writeBody(of table: TOMLTable, path: [String]) {
        let entries = table.entries
        for (key, value) in entries where !Self.isSection(value) {
            output += Self.key(key) + " = " + Self.inline(value) + "\n"
        }
        for (key, value) in entries where Self.isSection(value) {
            let sub = path + [key]
            let header = sub.map(Self.key).joined(separator: ".")
            switch value {
            case .table(let child):
                startSection("[" + header + "]")
                writeBody(of: child, path: sub)
            case .array(let elements):
                for case .table(let child) in elements {
                    startSection("[[" + header + "]]")
                    writeBody(of: child, path: sub)
                }
            default:
                break
            }
        }
    }

    private mutating func startSection(_ header: String) {
        if !output.isEmpty { output += "\n" }
        output += header + "\n"
    }

    /// Tables and non-empty arrays made only of tables get their own sections.
    static func isSection(_ value: TOMLValue) -> Bool {
        switch value {
        case .table:
            return true
        case .array(let elements):
            return !elements.isEmpty && elements.allSatisfy { $0.tableValue != nil }
        default:
            return false
        }
    }

    /// A value in inline form (as the right-hand side of `key = value`).
    static func inline(_ value: TOMLValue) -> String {
        switch value {
        case .string(let s):
            return quote(s)
        case .integer(let i):
            return String(i)
        case .float(let d):
            return float(d)
        case .bool(let b):
            return b ? "true" : "false"
        case .datetime(let text):
            return text
        case .array(let elements):
            return "[" + elements.map(inline).joined(separator: ", ") + "]"
        case .table(let table):
            if table.isEmpty { return "{}" }
            let pairs = table.entries.map { key($0.key) + " = " + inline($0.value) }
            return "{ " + pairs.joined(separator: ", ") + " }"
        }
    }

    static func float(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        let text = d.description
        if text.contains(".") || text.contains("e") || text.contains("E") { return text }
        return text + ".0"
    }

    /// A bare key when possible, otherwise a quoted one.
    static func key(_ k: String) -> String {
        if !k.isEmpty && k.unicodeScalars.allSatisfy(isBareKeyChar) { return k }
        return quote(k)
    }

    /// A basic string literal with the required escapes.
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if isControl(c) {
                    let hex = String(c.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}
