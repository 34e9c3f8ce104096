public import ArgumentParser
import Core

/// `-o table|json|yaml` on every list and inspect command.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json, yaml
}

/// Something a command prints: rows for a table, a document for json and yaml.
struct Listing {
    var headers: [String]
    var rows: [[String]]
    /// The same data as a document (an array of objects), for json and yaml.
    var document: JSONValue

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: return Table.render(headers: headers, rows: rows)
        case .json: return document.serialized() + "\n"
        case .yaml: return YAML.render(document)
        }
    }
}

/// Columns aligned with at least three spaces between them, like crictl's and ctr's tables.
enum Table {
    static func render(headers: [String], rows: [[String]]) -> String {
        let all = [headers] + rows
        var widths = Array(repeating: 0, count: headers.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var out = ""
        for row in all {
            var line = ""
            for (index, cell) in row.enumerated() {
                if index == row.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: widths[index] - cell.count + 3)
                }
            }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}

/// A small YAML emitter for `JSONValue` documents (block style, strings quoted when needed).
enum YAML {
    static func render(_ value: JSONValue) -> String {
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

/// Prints to stdout without buffering surprises.
func printOut(_ text: String) {
    print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
}
