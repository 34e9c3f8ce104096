// ctr-fuzz: the parsers that read what other people send us (daemon config, CRI YAML and JSON,
// image manifests and configs, layer tarballs, a gRPC client's frames), as fuzz targets.
//
//   ctr-fuzz TARGET FILE...      (a normal build) runs each file through TARGET once: the
//                                committed corpora and any crash input replay as tests
//   CTR_FUZZ_TARGET=TARGET ctr-fuzz [libFuzzer flags and corpora]
//                                (built by scripts/fuzz.sh with -sanitize=fuzzer and -DFUZZING,
//                                libFuzzer's main) fuzzes TARGET
//
// A target must never crash, whatever the input: it may only return or throw. A crash, a
// failed precondition, an out-of-range index or an endless loop (libFuzzer's timeout) is a bug.
import Core
import Glibc
import Snapshots
import TOML
import YAML

/// The targets by name: each takes the input's bytes.
let targets: [String: @Sendable ([UInt8]) -> Void] = [
    "toml": { bytes in
        // The daemon's config: parsed, then written out and read back.
        guard let table = try? TOML.parse(String(decoding: bytes, as: UTF8.self)) else { return }
        _ = try? TOML.parse(TOML.encode(table))
    },
    "yaml": { bytes in
        // CRI pod and container configs given as YAML.
        _ = try? YAMLReader.parse(String(decoding: bytes, as: UTF8.self))
    },
    "json": { bytes in
        // Image indexes, manifests and configs as the pull and unpack read them; CRI JSON configs.
        guard let document = try? JSONValue.parse(String(decoding: bytes, as: UTF8.self)) else { return }
        _ = try? JSONValue.parse(document.serialized())
        for key in ["manifests", "layers"] {
            if case .array(let entries)? = document[key] {
                for entry in entries { _ = try? Descriptor(json: entry, context: "fuzz") }
            }
        }
        if let config = document["config"] { _ = try? Descriptor(json: config, context: "fuzz") }
        if case .array(let diffIDs)? = document["rootfs"]?["diff_ids"] {
            for case .string(let text) in diffIDs { _ = try? Digest(parsing: text) }
        }
    },
    "layer": { bytes in
        // Image layers: gzip, zstd or plain tar, every header and all data.
        _ = try? LayerCheck.read(bytes)
    },
    "hosts": { bytes in
        // A registry's hosts.toml, as pulls read it.
        _ = try? RegistryHostsFile.endpoints(parsing: String(decoding: bytes, as: UTF8.self), file: "hosts.toml")
    },
    "grpc": { bytes in
        // The daemon's gRPC server transport behind HTTP/2: message framing, trailers, resets.
        GRPCConnectionTarget.run(bytes)
    },
]

func usage() -> Never {
    StandardError.write("usage: ctr-fuzz \(targets.keys.sorted().joined(separator: "|")) FILE...\n")
    exit(2)
}

#if FUZZING
/// libFuzzer's driver, started from our own main (SwiftPM names an executable's entry point
/// itself); the target is named in the environment, since libFuzzer takes every argument that is
/// not a flag for a corpus directory.
nonisolated(unsafe) var selected: @Sendable ([UInt8]) -> Void = { _ in }

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selected(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<Int32>,
               _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

@main
struct FuzzMain {
    static func main() {
        guard let name = getenv("CTR_FUZZ_TARGET").map({ String(cString: $0) }), let target = targets[name] else {
            StandardError.write("set CTR_FUZZ_TARGET to one of \(targets.keys.sorted().joined(separator: ", "))\n")
            exit(2)
        }
        selected = target
        var argc = Int32(CommandLine.arguments.count)
        var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) } + [nil]
        let status = argv.withUnsafeMutableBufferPointer { buffer in
            var base = buffer.baseAddress
            return runDriver(&argc, &base, fuzzerTestOneInput)
        }
        exit(status)
    }
}
#else
func readFileBytes(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    let (bytes, error) = FileIO.readAll(fd)
    return error == nil ? bytes : nil
}

@main
struct FuzzMain {
    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count >= 3, let target = targets[arguments[1]] else { usage() }
        for path in arguments.dropFirst(2) {
            guard let bytes = readFileBytes(path) else {
                StandardError.write("ctr-fuzz: cannot read \(path)\n")
                exit(1)
            }
            target(bytes)
        }
        print("ctr-fuzz \(arguments[1]): \(arguments.count - 2) inputs, no crash")
    }
}
#endif
