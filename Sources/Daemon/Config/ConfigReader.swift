public import Core
public import TOML

/// A config value of the wrong type or shape: names the file, the full key and the reason.
extension CtrError {
    /// A config value that cannot be used: `invalid config FILE: key "KEY": REASON` (file and key
    /// when known), an invalid argument.
    public static func invalidConfig(file: String?, key: String?, reason: String) -> CtrError {
        var text = "invalid config"
        if let file { text += " \(file)" }
        if let key { text += ": key \"\(key)\"" }
        return .invalidArgument(text + ": " + reason)
    }
}

/// Reads typed values out of one TOML table, remembering which keys were read so that the rest
/// can be reported as ignored. Used synchronously while a config loads.
public final class ConfigReader {
    public let table: TOMLTable
    let prefix: String
    let file: String?
    private var read: Set<String> = []
    private var children: [ConfigReader] = []
    /// Keys read by the caller through some other means (e.g. sections handed to plugins).
    var ignoredPrefixes: [String] = []

    public init(table: TOMLTable, prefix: String = "", file: String?) {
        self.table = table
        self.prefix = prefix
        self.file = file
    }

    func path(_ key: String) -> String {
        let quoted = TOMLKey.format(key)
        return prefix.isEmpty ? quoted : prefix + "." + quoted
    }

    public func error(_ key: String, _ reason: String) -> CtrError {
        CtrError.invalidConfig(file: file, key: path(key), reason: reason)
    }

    private func value(_ key: String) -> TOMLValue? {
        read.insert(key)
        return table[key]
    }

    private func mismatch(_ key: String, expected: String, found: TOMLValue) -> CtrError {
        error(key, "expected \(expected), found \(found.kindName)")
    }

    public func string(_ key: String) throws(CtrError) -> String? {
        guard let found = value(key) else { return nil }
        guard case .string(let text) = found else { throw mismatch(key, expected: "a string", found: found) }
        return text
    }

    public func int(_ key: String) throws(CtrError) -> Int? {
        guard let found = value(key) else { return nil }
        guard case .integer(let number) = found else { throw mismatch(key, expected: "an integer", found: found) }
        guard let int = Int(exactly: number) else { throw error(key, "\(number) is out of range") }
        return int
    }

    public func bool(_ key: String) throws(CtrError) -> Bool? {
        guard let found = value(key) else { return nil }
        guard case .bool(let flag) = found else { throw mismatch(key, expected: "a boolean", found: found) }
        return flag
    }

    public func strings(_ key: String) throws(CtrError) -> [String]? {
        guard let found = value(key) else { return nil }
        guard case .array(let items) = found else {
            throw mismatch(key, expected: "an array of strings", found: found)
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else {
                throw error(key, "element \(index) must be a string, found \(item.kindName)")
            }
            result.append(text)
        }
        return result
    }

    /// A sub-table reader; an absent table reads as empty.
    public func table(_ key: String) throws(CtrError) -> ConfigReader {
        let child: ConfigReader
        switch value(key) {
        case nil: child = ConfigReader(table: TOMLTable(), prefix: path(key), file: file)
        case .table(let sub)?: child = ConfigReader(table: sub, prefix: path(key), file: file)
        case let other?: throw mismatch(key, expected: "a table", found: other)
        }
        children.append(child)
        return child
    }

    /// Full key paths present in the file that nobody read.
    public var unreadKeys: [String] {
        var result: [String] = []
        for key in table.keys where !read.contains(key) {
            result.append(path(key))
        }
        for child in children {
            result.append(contentsOf: child.unreadKeys)
        }
        return result
    }
}

extension TOMLValue {
    var kindName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .bool: "a boolean"
        case .datetime: "a date-time"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

enum TOMLKey {
    /// A key as written in a dotted path: bare when possible, quoted otherwise.
    static func format(_ key: String) -> String {
        let bare = !key.isEmpty && key.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == "-"
        }
        return bare ? key : "\"" + key + "\""
    }
}

/// A plugin's typed `[plugins."<uri>"]` section.
public protocol PluginConfig: Sendable {
    init()
    /// Reads the section over the defaults; wrong types throw, unknown keys are left unread.
    mutating func decode(_ reader: ConfigReader) throws(CtrError)
    /// The section as TOML, for `ctr daemon config default|dump`.
    func encode() -> TOMLTable
}
