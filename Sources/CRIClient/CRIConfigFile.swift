public import Core
public import API
import SwiftProtobuf
import Glibc
public import YAML

/// crictl's configuration files for `runp`, `create` and `run`: the CRI structures in JSON or YAML,
/// with proto (`log_directory`) or JSON (`logDirectory`) field names.
public enum CRIConfigFile {
    /// Reads a `PodSandboxConfig` from a JSON or YAML file.
    public static func podSandboxConfig(path: String) throws(CtrError) -> Runtime_V1_PodSandboxConfig {
        try podSandboxConfig(text: try read(path, kind: "pod sandbox config"), source: path)
    }

    /// Reads a `ContainerConfig` from a JSON or YAML file.
    public static func containerConfig(path: String) throws(CtrError) -> Runtime_V1_ContainerConfig {
        try containerConfig(text: try read(path, kind: "container config"), source: path)
    }

    /// Decodes a `PodSandboxConfig` from JSON or YAML text; `source` names it in errors.
    public static func podSandboxConfig(text: String, source: String) throws(CtrError) -> Runtime_V1_PodSandboxConfig {
        try decode(Runtime_V1_PodSandboxConfig.self, text: text, kind: "pod sandbox config", source: source)
    }

    /// Decodes a `ContainerConfig` from JSON or YAML text; `source` names it in errors.
    public static func containerConfig(text: String, source: String) throws(CtrError) -> Runtime_V1_ContainerConfig {
        try decode(Runtime_V1_ContainerConfig.self, text: text, kind: "container config", source: source)
    }

    static func read(_ path: String, kind: String) throws(CtrError) -> String {
        guard let text = readTextFile(path) else {
            throw .invalidArgument("read \(kind) \"\(path)\": \(Errno.current)")
        }
        return text
    }

    static func decode<M: SwiftProtobuf.Message>(_ type: M.Type, text: String, kind: String, source: String)
        throws(CtrError) -> M
    {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        let json: String
        if text.first(where: { !$0.isWhitespace }) == "{" {
            json = text
        } else {
            let node: YAMLNode
            do {
                node = try YAMLReader.parse(text)
            } catch {
                throw .invalidArgument("invalid \(kind) \"\(source)\": YAML: \(error.message)")
            }
            guard case .mapping = node else {
                throw .invalidArgument("invalid \(kind) \"\(source)\": the document is not a mapping of CRI fields")
            }
            json = protobufJSON(node).serialized(indent: 0)
        }
        do {
            return try M(jsonString: json, options: options)
        } catch {
            throw .invalidArgument("invalid \(kind) \"\(source)\": \(describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let decoding = error as? JSONDecodingError else { return "\(error)" }
        switch decoding {
        case .malformedNumber, .numberRange: return "a number field has a value that is not a valid number"
        case .unrecognizedEnumValue: return "an enum field has an unknown value"
        case .malformedBool: return "a boolean field is neither true nor false"
        case .schemaMismatch, .failure: return "a field has a value of the wrong type"
        case .truncated: return "the JSON document is truncated"
        default: return "not a valid JSON document of the CRI structure (\(decoding))"
        }
    }

    /// Fields of the CRI config structures that are enums: their YAML integers stay numbers.
    static let enumFields: Set<String> = [
        "network", "pid", "ipc", "mode", "protocol", "propagation", "supplemental_groups_policy",
        "supplementalGroupsPolicy", "profile_type", "profileType", "stop_signal", "stopSignal",
    ]

    /// Maps from string to string: every scalar under them is text.
    static let stringMaps: Set<String> = ["labels", "annotations", "sysctls", "unified"]

    /// Lists of strings and string fields that YAML might read as booleans.
    static let stringFields: Set<String> = [
        "command", "args", "servers", "searches", "options", "value", "masked_paths", "maskedPaths",
        "readonly_paths", "readonlyPaths", "add_capabilities", "addCapabilities", "drop_capabilities",
        "dropCapabilities", "add_ambient_capabilities", "addAmbientCapabilities", "name", "uid", "namespace",
        "hostname", "image", "working_dir", "workingDir", "key",
    ]

    /// The YAML document as protobuf JSON, using the field names to type plain scalars the way the
    /// CRI structure expects (as crictl's schema-driven YAML reading does): `1.10` under `labels`
    /// stays `"1.10"`, `network: 2` stays a number, integers go as strings (which protobuf JSON
    /// accepts for every integer field).
    public static func protobufJSON(_ node: YAMLNode, key: String? = nil, inStringMap: Bool = false) -> JSONValue {
        switch node {
        case .null: return inStringMap ? .string("") : .null
        case .scalar(let text, let quoted):
            if quoted || inStringMap { return .string(text) }
            let key = key ?? ""
            if enumFields.contains(key), let number = YAMLNode.integer(text) { return .integer(number) }
            if stringFields.contains(key) { return .string(text) }
            switch YAMLNode.resolvePlain(text) {
            case .null: return .null
            case .bool(let flag): return .bool(flag)
            case .number(let number) where !number.isFinite: return .string(text)
            case .number(let number): return .number(number)
            case .integer(let number): return .string(String(number))
            default: return .string(text)
            }
        case .sequence(let items):
            return .array(items.map { protobufJSON($0, key: key, inStringMap: inStringMap) })
        case .mapping(let members):
            let childrenAreText = inStringMap || stringMaps.contains(key ?? "")
            return .object(members.map { ($0.0, protobufJSON($0.1, key: $0.0, inStringMap: childrenAreText)) })
        }
    }
}
