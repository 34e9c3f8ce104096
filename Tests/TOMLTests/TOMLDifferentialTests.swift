import Core
import Foundation
import Testing
import TestSupport
import TOML

/// The TOML parser against Python's tomllib on real configs (a node's containerd config with
/// CRI, containerd 1.6's own `config default`) and a file using every TOML 1.0 construct; and
/// malformed files, each refused with its line and column by both.
@Suite("TOML parser against tomllib")
struct TOMLDifferentialTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/toml").path

    static func files(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixtures + "/" + folder)) ?? []).sorted()
    }

    /// Runs /usr/bin/python3 with `script` and `arguments`; its stdout, or the error it printed.
    static func python(_ script: String, _ arguments: [String]) throws -> Result<String, TestFailure> {
        let output = try run("/usr/bin/python3", ["-c", script] + arguments)
        return output.status == 0 ? .success(output.stdout) : .failure(TestFailure(output.stderr))
    }

    /// The document as tomllib reads it, as JSON (dates and times in ISO 8601, as `isoformat` writes them).
    static func tomllib(_ path: String) throws -> JSONValue {
        let script = """
            import datetime, json, sys, tomllib
            def iso(value):
                if isinstance(value, (datetime.datetime, datetime.date, datetime.time)): return value.isoformat()
                raise TypeError(type(value))
            print(json.dumps(tomllib.load(open(sys.argv[1], "rb")), default=iso, ensure_ascii=False))
            """
        return try JSONValue.parse(try python(script, [path]).get())
    }

    /// Our value as JSON, the way `tomllib` writes it: a datetime's `Z` becomes `+00:00`.
    static func json(_ value: TOMLValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .integer(let number): return .integer(number)
        case .float(let number): return .number(number)
        case .bool(let flag): return .bool(flag)
        case .datetime(let text):
            var iso = text.replacingOccurrences(of: " ", with: "T")
            if iso.hasSuffix("Z") || iso.hasSuffix("z") { iso = iso.dropLast() + "+00:00" }
            return .string(iso)
        case .array(let items): return .array(items.map(json))
        case .table(let table): return json(table)
        }
    }

    static func json(_ table: TOMLTable) -> JSONValue {
        .object(table.entries.map { ($0.key, json($0.value)) })
    }

    /// Equality with tables compared as sets of keys (the order tomllib builds a dict in can differ
    /// from the order of first mention when tables are reopened).
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            return x.allSatisfy { member in y.contains { $0.0 == member.0 && same($0.1, member.1) } }
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        default:
            return a == b
        }
    }

    @Test("each valid file reads as tomllib reads it", arguments: files("valid"))
    func valid(file: String) throws {
        let path = Self.fixtures + "/valid/" + file
        let ours = Self.json(try TOML.parse(try String(contentsOfFile: path, encoding: .utf8)))
        let theirs = try Self.tomllib(path)
        #expect(Self.same(ours, theirs), "\(file):\nours    \(ours.serialized(indent: 0))\ntomllib \(theirs.serialized(indent: 0))")
    }

    @Test("containerd 1.6's own `config default` reads as tomllib reads it")
    func containerdDefault() throws {
        let path = temporaryPath("containerd-default", suffix: ".toml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let printed = try run("/usr/bin/containerd", ["config", "default"])
        try #require(printed.status == 0 && printed.stdout.count > 1000, "containerd config default: \(printed)")
        try printed.stdoutBytes.write(to: URL(fileURLWithPath: path))
        let ours = Self.json(try TOML.parse(printed.stdout))
        #expect(Self.same(ours, try Self.tomllib(path)))
    }

    @Test("malformed files fail with line and column; tomllib refuses them too", arguments: [
        ("bad-date.toml", "line 1, column 5:"),
        ("bad-integer.toml", "line 1, column 5:"),
        ("duplicate-key.toml", "line 2, column 1: duplicate key \"a\""),
        ("missing-value.toml", "line 1, column 7:"),
        ("redefine-dotted.toml", "line 2, column 1:"),
        ("trailing-comma-inline.toml", "line 1, column 12:"),
        ("unclosed-header.toml", "line 1, column 7:"),
        ("unterminated-string.toml", "line 1, column 18:"),
    ])
    func malformed(file: String, position: String) throws {
        let path = Self.fixtures + "/malformed/" + file
        let text = try String(contentsOfFile: path, encoding: .utf8)
        do {
            let table = try TOML.parse(text)
            Issue.record("\(file) parsed: \(Self.json(table).serialized(indent: 0))")
        } catch {
            #expect(error.description.hasPrefix(position), "\(file): \(error.description)")
        }
        let theirs = try Self.python("import sys, tomllib; tomllib.load(open(sys.argv[1], 'rb'))", [path])
        if case .success = theirs { Issue.record("tomllib accepts \(file)") }
    }

    @Test("the corpus is there")
    func corpus() {
        #expect(Self.files("valid").count >= 2 && Self.files("malformed").count >= 8)
    }
}
