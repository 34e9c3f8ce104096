public import ArgumentParser
import Core
import YAML

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

/// Prints to stdout without buffering surprises.
func printOut(_ text: String) {
    print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
}
