import API
import ArgumentParser
import Core
import SwiftProtobuf
import YAML

/// What `ctr cri` prints the way crictl does.
enum CRIFormat {
    /// crictl's table IDs: 13 characters.
    static func id(_ id: String, noTrunc: Bool) -> String {
        noTrunc ? id : String(id.prefix(13))
    }

    /// Image IDs without `sha256:`, truncated to 13 characters.
    static func imageID(_ id: String, noTrunc: Bool) -> String {
        let bare = id.hasPrefix("sha256:") ? String(id.dropFirst(7)) : id
        return noTrunc ? id : String(bare.prefix(13))
    }

    /// "2 minutes ago", as crictl's CREATED column (Docker's go-units HumanDuration).
    static func age(nanos: Int64, now: Timestamp = .now) -> String {
        humanDuration(Double(max(0, now.unixNanos - nanos)) / 1e9) + " ago"
    }

    static func humanDuration(_ seconds: Double) -> String {
        let whole = Int(seconds)
        if whole < 1 { return "Less than a second" }
        if whole == 1 { return "1 second" }
        if whole < 60 { return "\(whole) seconds" }
        let minutes = Int(seconds / 60)
        if minutes == 1 { return "About a minute" }
        if minutes < 60 { return "\(minutes) minutes" }
        let hours = Int(seconds / 3600 + 0.5)
        if hours == 1 { return "About an hour" }
        if hours < 48 { return "\(hours) hours" }
        if hours < 24 * 7 * 2 { return "\(hours / 24) days" }
        if hours < 24 * 30 * 2 { return "\(hours / 24 / 7) weeks" }
        if hours < 24 * 365 * 2 { return "\(hours / 24 / 30) months" }
        return "\(hours / 24 / 365) years"
    }

    /// "4.27MB", as crictl's SIZE column (go-units HumanSizeWithPrecision, 3 digits).
    static func size(_ bytes: UInt64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return significant(value, digits: 3) + units[unit]
    }

    /// `%.3g` without Foundation.
    static func significant(_ value: Double, digits: Int) -> String {
        guard value > 0 else { return "0" }
        var magnitude = 0
        var probe = value
        while probe >= 10 { probe /= 10; magnitude += 1 }
        while probe < 1 { probe *= 10; magnitude -= 1 }
        let decimals = max(0, digits - 1 - magnitude)
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if decimals == 0 { return String(Int64(rounded)) }
        var text = String(rounded)
        if text.contains("e") { return String(Int64(rounded)) }
        if let dot = text.firstIndex(of: ".") {
            let fraction = text[text.index(after: dot)...]
            if fraction.count > decimals { text = String(text[...text.index(dot, offsetBy: decimals)]) }
        }
        while text.contains("."), text.last == "0" { text.removeLast() }
        if text.last == "." { text.removeLast() }
        return text
    }

    static func podState(_ state: Runtime_V1_PodSandboxState) -> String {
        state == .sandboxReady ? "Ready" : "NotReady"
    }

    static func containerState(_ state: Runtime_V1_ContainerState) -> String {
        switch state {
        case .containerCreated: return "Created"
        case .containerRunning: return "Running"
        case .containerExited: return "Exited"
        default: return "Unknown"
        }
    }

    /// A protobuf message as protobuf JSON (JSON names); `template` adds the default values
    /// crictl prints and SwiftProtobuf omits, in field order.
    static func json(_ message: any SwiftProtobuf.Message, template: JSONValue? = nil) -> JSONValue {
        var options = JSONEncodingOptions()
        options.useDeterministicOrdering = true
        guard let text = try? message.jsonString(options: options), let value = try? JSONValue.parse(text) else {
            return .object([])
        }
        return template.map { filling(value, $0) } ?? value
    }

    /// `value` with the members of `template` it lacks, template keys first; a one-element array
    /// template applies to every element.
    static func filling(_ value: JSONValue, _ template: JSONValue) -> JSONValue {
        switch (value, template) {
        case (.object(let members), .object(let defaults)):
            var result: [(String, JSONValue)] = []
            for (key, fallback) in defaults {
                if let present = members.first(where: { $0.0 == key })?.1 {
                    result.append((key, filling(present, fallback)))
                } else if case .array(let items) = fallback, items.count == 1 {
                    result.append((key, .array([])))
                } else {
                    result.append((key, fallback))
                }
            }
            result += members.filter { member in !defaults.contains { $0.0 == member.0 } }
            return .object(result)
        case (.array(let items), .array(let element)) where element.count == 1:
            return .array(items.map { filling($0, element[0]) })
        default:
            return value
        }
    }

    static let imageSpecTemplate = JSONValue.object([
        ("image", .string("")), ("annotations", .object([])), ("userSpecifiedImage", .string("")),
        ("runtimeHandler", .string("")), ("imageRef", .string("")),
    ])

    static let podTemplate = JSONValue.object([
        ("id", .string("")),
        ("metadata", .object([("name", .string("")), ("uid", .string("")), ("namespace", .string("")), ("attempt", .integer(0))])),
        ("state", .string("SANDBOX_READY")), ("createdAt", .string("0")), ("labels", .object([])),
        ("annotations", .object([])), ("runtimeHandler", .string("")),
    ])

    static let podStatusTemplate = JSONValue.object([
        ("id", .string("")),
        ("metadata", .object([("name", .string("")), ("uid", .string("")), ("namespace", .string("")), ("attempt", .integer(0))])),
        ("state", .string("SANDBOX_READY")), ("createdAt", .string("0")),
        ("network", .object([("additionalIps", .array([.object([])])), ("ip", .string(""))])),
        ("labels", .object([])), ("annotations", .object([])), ("runtimeHandler", .string("")),
    ])

    static let containerTemplate = JSONValue.object([
        ("id", .string("")), ("podSandboxId", .string("")),
        ("metadata", .object([("name", .string("")), ("attempt", .integer(0))])),
        ("image", imageSpecTemplate), ("imageRef", .string("")), ("state", .string("CONTAINER_CREATED")),
        ("createdAt", .string("0")), ("labels", .object([])), ("annotations", .object([])), ("imageId", .string("")),
    ])

    static let containerStatusTemplate = JSONValue.object([
        ("id", .string("")), ("metadata", .object([("name", .string("")), ("attempt", .integer(0))])),
        ("state", .string("CONTAINER_CREATED")), ("createdAt", .string("0")), ("startedAt", .string("0")),
        ("finishedAt", .string("0")), ("exitCode", .integer(0)), ("image", imageSpecTemplate), ("imageRef", .string("")),
        ("reason", .string("")), ("message", .string("")), ("labels", .object([])), ("annotations", .object([])),
        ("mounts", .array([.object([])])), ("logPath", .string("")), ("imageId", .string("")),
    ])

    static let imageTemplate = JSONValue.object([
        ("id", .string("")), ("repoTags", .array([.string("")])), ("repoDigests", .array([.string("")])),
        ("size", .string("0")), ("uid", .null), ("username", .string("")), ("spec", .null), ("pinned", .bool(false)),
    ])

    /// `{"status": …, <info key>: <info value as JSON>…}`, as crictl's inspect commands print.
    static func statusInfo(_ status: JSONValue, info: [String: String], extra: [(String, JSONValue)] = []) -> JSONValue {
        var fields: [(String, JSONValue)] = [("status", status)] + extra
        for (key, value) in info.sorted(by: { $0.key < $1.key }) {
            fields.append((key, (try? JSONValue.parse(value)) ?? .string(value)))
        }
        return .object(fields)
    }

    /// A document as json (default for table) or yaml.
    static func render(_ document: JSONValue, _ format: OutputFormat) -> String {
        format == .yaml ? YAML.render(document) : document.serialized() + "\n"
    }

    /// Labels as crictl's verbose listings print them.
    static func labelLines(_ title: String, _ labels: [String: String]) -> [String] {
        guard !labels.isEmpty else { return [] }
        return ["\(title):"] + labels.sorted { $0.key < $1.key }.map { "\t\($0.key) -> \($0.value)" }
    }
}

/// Runs `body` for each ID, printing one error line per failure; exits 1 at the end when any
/// failed.
func forEachCRIObject(_ ids: [String], _ what: String, _ body: (String) async throws -> Void) async throws {
    var failed = false
    for id in ids {
        do {
            try await body(id)
        } catch {
            printError("ctr: \(what) \"\(id)\": \(error)")
            failed = true
        }
    }
    if failed { throw ExitCode(1) }
}

/// `--label k=v` filters, as a map.
func criLabelSelector(_ labels: [String]) throws -> [String: String] {
    try parseLabels(labels)
}

/// IDs match a filter by prefix, as runtimes resolve truncated IDs.
func criIDMatches(_ id: String, _ filter: String?) -> Bool {
    guard let filter, !filter.isEmpty else { return true }
    return id.hasPrefix(filter)
}
