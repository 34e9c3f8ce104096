public import Core

/// A small YAML emitter for `JSONValue` documents (block style, strings quoted when needed).
public enum YAML {
    public static func render(_ value: JSONValue) -> String {
        var out = ""
        emit(value, indent: 0, into: &out, inline: false)
        if !out.hasSuffix("\n") { out += "\n" }
        return out
    }

    private static func emit(_ value: JSONValue, indent: Int, into out: inout String, inline: Bool) {
        let pad = String(repeating: "  ", count: indent)
        switch value {
        case .array(let items):
            if items.isEmpty { out += (inline ? " " : "") + "[]\n"; return }
            if inline { out += "\n" }
            for item in items {
                out += pad + "-"
                switch item {
                case .object(let members) where !members.isEmpty:
                    out += " "
                    emitMembers(members, indent: indent + 1, into: &out, firstInline: true)
                case .array(let inner) where !inner.isEmpty:
                    emit(item, indent: indent + 1, into: &out, inline: true)
                default:
                    emit(item, indent: indent + 1, into: &out, inline: true)
                }
            }
        case .object(let members):
            if members.isEmpty { out += (inline ? " " : "") + "{}\n"; return }
            if inline { out += "\n" }
            emitMembers(members, indent: indent, into: &out, firstInline: false)
        default:
            out += (inline ? " " : "") + scalar(value) + "\n"
        }
    }

    private static func emitMembers(_ members: [(String, JSONValue)], indent: Int, into out: inout String, firstInline: Bool) {
        let pad = String(repeating: "  ", count: indent)
        for (index, (key, value)) in members.enumerated() {
            if !(firstInline && index == 0) { out += pad }
            out += quoteIfNeeded(key) + ":"
            emit(value, indent: indent + 1, into: &out, inline: true)
        }
    }

    static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .number: return value.serialized(indent: 0)
        case .string(let text): return quoteIfNeeded(text)
        case .array, .object: return value.serialized(indent: 0)
        }
    }

    static func quoteIfNeeded(_ text: String) -> String {
        let reserved: Set<String> = ["", "null", "true", "false", "yes", "no", "on", "off", "~", "y", "n"]
        let special = text.contains { ":#{}[],&*!|>'\"%@`\n\t".contains($0) }
        let numeric = Double(text) != nil
        if reserved.contains(text.lowercased()) || special || numeric || text.first == " " || text.last == " "
            || text.first == "-" || text.first == "?"
        {
            return JSONValue.quote(text)
        }
        return text
    }
}
