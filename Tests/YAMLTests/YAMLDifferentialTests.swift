import Core
import Foundation
import Testing
import TestSupport
import YAML

/// The YAML reader against PyYAML (Debian's python3-yaml) on a corpus of real configuration files:
/// crictl pod and container configs, Kubernetes manifests, block scalars and the core schema's
/// scalars. The corpus keeps to what YAML 1.1 (PyYAML) and 1.2 (ours) read alike.
@Suite("YAML reader against PyYAML")
struct YAMLDifferentialTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/yaml").path

    static func files(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixtures + "/" + folder)) ?? []).sorted()
    }

    /// The document as PyYAML's safe_load reads it, as JSON.
    static func pyyaml(_ path: String) throws -> JSONValue {
        let script = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))"
        let output = try run("/usr/bin/python3", ["-c", script, path])
        guard output.status == 0 else {
            throw TestFailure("PyYAML on \(path): \(output.stderr) (python3-yaml installed?)")
        }
        return try JSONValue.parse(output.stdout)
    }

    @Test("the corpus is there")
    func corpus() {
        #expect(Self.files("valid").count >= 5)
        #expect(Self.files("malformed").count >= 5)
    }

    @Test("each valid file reads as PyYAML reads it", arguments: files("valid"))
    func valid(file: String) throws {
        let path = Self.fixtures + "/valid/" + file
        let ours = try YAMLReader.parse(try String(contentsOfFile: path, encoding: .utf8)).json
        let theirs = try Self.pyyaml(path)
        #expect(ours == theirs, "\(file):\nours   \(ours.serialized(indent: 0))\nPyYAML \(theirs.serialized(indent: 0))")
    }

    /// Each malformed file with the line and column our error names. PyYAML refuses them too,
    /// except anchors and aliases, which YAML allows and this reader refuses on purpose (config
    /// files do not need them, and alias expansion is the classic way to make a parser blow up).
    @Test("malformed files fail with line and column", arguments: [
        ("anchor.yaml", "line 1, column 1: anchors, aliases and tags are not supported"),
        ("bad-block-header.yaml", "line 1, column 1: unsupported block scalar header \"|x\""),
        ("bad-indent.yaml", "line 2, column 3: unexpected indentation in a mapping"),
        ("tab-indent.yaml", "line 2, column 1: tabs are not allowed for indentation"),
        ("text-after-flow.yaml", "line 1, column 11: unexpected text after a flow collection"),
        ("unterminated-flow.yaml", "line 1, column 1: unterminated flow collection"),
        ("unterminated-quote.yaml", "line 1, column 17: unterminated quoted string"),
    ])
    func malformed(file: String, message: String) throws {
        let text = try String(contentsOfFile: Self.fixtures + "/malformed/" + file, encoding: .utf8)
        do {
            let node = try YAMLReader.parse(text)
            Issue.record("\(file) parsed: \(node.json.serialized(indent: 0))")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.hasPrefix(message), "\(file): \(error.message)")
        }
        if file != "anchor.yaml" {
            #expect(throws: (any Error).self, "PyYAML refuses \(file) too") { try Self.pyyaml(Self.fixtures + "/malformed/" + file) }
        }
    }
}
