import Foundation
import Testing
import TestSupport

/// The fuzz targets' committed inputs (seed corpora, and any input that once crashed a target,
/// kept as a regression) run through `ctr-fuzz` as a normal build makes it: none may crash.
/// scripts/fuzz.sh fuzzes the same targets with libFuzzer.
@Suite("Fuzz inputs")
struct FuzzInputsTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path
    static let binary = URL(fileURLWithPath: ctrBinary).deletingLastPathComponent().appendingPathComponent("ctr-fuzz").path

    static func files(_ directories: [String]) -> [String] {
        directories.flatMap { directory -> [String] in
            let path = fixtures + "/" + directory
            return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
        }
    }

    @Test("every committed input runs through its target without a crash", arguments: [
        ("toml", ["fuzz/toml", "toml/valid", "toml/malformed"]),
        ("yaml", ["fuzz/yaml", "yaml/valid", "yaml/malformed"]),
        ("json", ["fuzz/json"]),
        ("layer", ["fuzz/layer"]),
        ("hosts", ["fuzz/hosts"]),
        ("grpc", ["fuzz/grpc"]),
    ])
    func replay(target: String, directories: [String]) throws {
        let inputs = Self.files(directories)
        #expect(!inputs.isEmpty, "no inputs for \(target)")
        let result = try run(Self.binary, [target] + inputs, timeout: .seconds(60))
        #expect(result.status == 0 && result.stdout.contains("\(inputs.count) inputs, no crash"), "\(result)")
    }
}
