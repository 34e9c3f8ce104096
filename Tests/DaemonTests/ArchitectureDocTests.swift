@testable import Daemon
import Foundation
import Testing

/// docs/architecture.md says which modules exist, what each depends on, and which plugins the
/// daemon registers: these tests hold it to Package.swift and Builtins.swift.
@Suite("Architecture doc")
struct ArchitectureDocTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The rows of the markdown table whose header starts with `header`, as trimmed cells.
    static func table(_ text: String, header: String) -> [[String]] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(header) }) else { return [] }
        return lines[(start + 2)...].prefix { $0.hasPrefix("|") }.map { line in
            line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    static func names(_ cell: String) -> Set<String> {
        cell == "—" ? [] : Set(cell.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "")
                .replacingOccurrences(of: "Sources/", with: "").replacingOccurrences(of: "Tests/", with: "")
        })
    }

    /// Each non-test target of Package.swift with the targets of ours it depends on.
    static func targets() throws -> [String: Set<String>] {
        let manifest = try read("Package.swift")
        var result: [String: Set<String>] = [:]
        let blocks = manifest.components(separatedBy: "\n        .").dropFirst()
        for block in blocks where !block.hasPrefix("testTarget") {
            guard block.hasPrefix("target(") || block.hasPrefix("executableTarget(") || block.hasPrefix("systemLibrary("),
                  let name = block.firstMatch(of: /name: "(\w+)"/)?.1 else { continue }
            var dependencies: Set<String> = []
            if let list = block.firstMatch(of: /dependencies: \[([^\]]*)\]/)?.1 {
                // Our targets are bare strings; products are `.product(name: …)`.
                let withoutProducts = list.replacing(/\.product\([^)]*\)/, with: "")
                for match in withoutProducts.matches(of: /"(\w+)"/) { dependencies.insert(String(match.1)) }
            }
            result[String(name)] = dependencies
        }
        return result
    }

    @Test("the layer table names every module of Package.swift with its dependencies")
    func modules() throws {
        let targets = try Self.targets()
        #expect(targets.count > 10, "\(targets.keys.sorted())")
        var documented: [String: Set<String>] = [:]
        for row in Self.table(try Self.read("docs/architecture.md"), header: "| module |") where row.count == 3 {
            for module in Self.names(row[0]) { documented[module] = Self.names(row[2]) }
        }
        let onlyDocumented = Set(documented.keys).subtracting(targets.keys).sorted()
        let undocumented = Set(targets.keys).subtracting(documented.keys).sorted()
        #expect(onlyDocumented.isEmpty && undocumented.isEmpty,
                "in the doc but not the package: \(onlyDocumented); in the package but not the doc: \(undocumented)")
        for (module, dependencies) in targets {
            #expect(documented[module] == dependencies, "\(module): the doc says \(documented[module]?.sorted() ?? []), Package.swift \(dependencies.sorted())")
        }
    }

    @Test("the plugin table lists Builtins.registrations in order, with what each requires")
    func plugins() throws {
        let rows = Self.table(try Self.read("docs/architecture.md"), header: "| plugin |").filter { $0.count == 2 }
        let registered = Builtins.registrations.map { registration in
            [registration.uri, registration.requires.isEmpty ? "—" : registration.requires.map(\.rawValue).joined(separator: ", ")]
        }
        #expect(rows == registered)
    }
}
