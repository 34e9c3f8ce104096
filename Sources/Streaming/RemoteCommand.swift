import Core

/// The Kubernetes streaming protocols spoken over SPDY and WebSocket: remotecommand (exec, attach)
/// and portforward.
public enum RemoteCommand {
    /// remotecommand over SPDY, newest first: v4 (the error stream carries a JSON `Status`),
    /// v3 (adds the resize stream), v2, and the original `channel.k8s.io`.
    public static let spdyProtocols = ["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"]
    /// remotecommand over WebSocket (`base64.` variants carry base64 text messages).
    public static let webSocketProtocols = [
        "v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io", "channel.k8s.io", "base64.channel.k8s.io",
    ]
    public static let portForwardProtocol = "portforward.k8s.io"
    public static let webSocketPortForwardProtocols = ["v4.channel.k8s.io", "portforward.k8s.io", "channel.k8s.io", "base64.channel.k8s.io"]

    /// The SPDY stream kinds (the `streamType` header) and their WebSocket channel numbers.
    public enum Channel: String, Sendable, CaseIterable {
        case stdin, stdout, stderr, error, resize

        public var number: UInt8 {
            switch self {
            case .stdin: 0
            case .stdout: 1
            case .stderr: 2
            case .error: 3
            case .resize: 4
            }
        }

        public init?(number: UInt8) {
            guard let channel = Self.allCases.first(where: { $0.number == number }) else { return nil }
            self = channel
        }
    }

    /// The protocol version a protocol name stands for (1 for the unversioned one).
    public static func version(_ name: String) -> Int {
        if name.hasPrefix("v5.") { return 5 }
        if name.hasPrefix("v4.") { return 4 }
        if name.hasPrefix("v3.") { return 3 }
        if name.hasPrefix("v2.") { return 2 }
        return 1
    }

    /// The first protocol the client offers that we speak (clients list their preference first).
    public static func negotiate(offered: [String], supported: [String]) -> String? {
        offered.flatMap { $0.split(separator: ",").map { String($0).trimmed } }.first { supported.contains($0) }
    }

    /// The v4+ error stream's success document.
    public static func successStatus() -> [UInt8] {
        Array(#"{"metadata":{},"status":"Success"}"#.utf8)
    }

    /// The v4+ error stream's document for a command that exited with `code`: kubectl and crictl
    /// exit with that code.
    public static func exitStatus(_ code: Int32) -> [UInt8] {
        let document = JSONValue.object([
            ("metadata", .object([])),
            ("status", .string("Failure")),
            ("message", .string("command terminated with non-zero exit code: exit status \(code)")),
            ("reason", .string("NonZeroExitCode")),
            ("details", .object([("causes", .array([.object([("reason", .string("ExitCode")), ("message", .string(String(code)))])]))])),
        ])
        return Array(document.serialized(indent: 0).utf8)
    }

    /// The v4+ error stream's document for a failure that is not an exit code.
    public static func failureStatus(_ message: String) -> [UInt8] {
        let document = JSONValue.object([
            ("metadata", .object([])), ("status", .string("Failure")), ("message", .string(message)),
            ("reason", .string("InternalError")), ("code", .integer(500)),
        ])
        return Array(document.serialized(indent: 0).utf8)
    }

    /// What the error stream said: nil for success, an exit code, or a message. Before v4 the
    /// stream carries plain text, and text that is not JSON is taken as a message in any version.
    public enum Outcome: Equatable, Sendable {
        case success
        case exit(Int32)
        case failure(String)
    }

    public static func outcome(errorStream bytes: [UInt8]) -> Outcome {
        let text = String(decoding: bytes, as: UTF8.self).trimmed
        if text.isEmpty { return .success }
        guard let document = try? JSONValue.parse(text), case .string(let status)? = document["status"] else {
            if let code = text.split(separator: " ").last.flatMap({ Int32($0) }), text.contains("exit code") { return .exit(code) }
            return .failure(text)
        }
        if status == "Success" { return .success }
        if case .string("NonZeroExitCode")? = document["reason"], case .array(let causes)? = document["details"]?["causes"] {
            for cause in causes {
                if case .string("ExitCode")? = cause["reason"], case .string(let value)? = cause["message"], let code = Int32(value) {
                    return .exit(code)
                }
            }
        }
        if case .string(let message)? = document["message"] { return .failure(message) }
        return .failure(text)
    }

    /// One terminal size from the resize stream: JSON `{"Width":W,"Height":H}` documents, one after
    /// another. Returns the sizes found and keeps an incomplete tail for the next call.
    public static func terminalSizes(_ buffer: inout [UInt8]) -> [(width: UInt16, height: UInt16)] {
        var sizes: [(UInt16, UInt16)] = []
        while let end = buffer.firstIndex(of: UInt8(ascii: "}")) {
            let text = String(decoding: buffer[...end], as: UTF8.self)
            buffer.removeFirst(end + 1)
            let trimmed = text.drop { $0 != "{" }
            guard let document = try? JSONValue.parse(String(trimmed)),
                  case .integer(let width)? = document["Width"] ?? document["width"],
                  case .integer(let height)? = document["Height"] ?? document["height"],
                  let w = UInt16(exactly: width), let h = UInt16(exactly: height) else { continue }
            sizes.append((w, h))
        }
        if buffer.count > 4096 { buffer.removeAll() }
        return sizes
    }

    public static func resizeDocument(width: UInt16, height: UInt16) -> [UInt8] {
        Array(#"{"Width":\#(width),"Height":\#(height)}"#.utf8) + [0x0a]
    }
}
