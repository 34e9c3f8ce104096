import Core
import Crypto
import FoundationEssentials

/// The head of an HTTP/1.1 request or response, all a protocol upgrade needs: the first line and
/// the header fields (names compared case-insensitively, repeated fields kept in order).
public struct HTTPHead: Sendable {
    /// Request: method, target, version. Response: version, status code, reason.
    public var line: [String]
    public var fields: [(name: String, value: String)]

    /// Heads larger than this are refused (a client that never ends its head).
    public static let maxSize = 16 << 10

    public init(line: [String], fields: [(name: String, value: String)]) {
        self.line = line
        self.fields = fields
    }

    public func values(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return fields.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    public func value(_ name: String) -> String? { values(name).first }

    /// Whether a comma-separated field (Connection, Upgrade) holds `token`.
    public func has(_ name: String, token: String) -> Bool {
        values(name).contains { $0.split(separator: ",").contains { String($0).trimmed.lowercased() == token.lowercased() } }
    }

    /// Takes a whole head off the front of `buffer`; nil until "\r\n\r\n" arrives.
    public static func take(from buffer: inout [UInt8]) throws(CtrError) -> HTTPHead? {
        guard let end = headEnd(buffer) else {
            if buffer.count > maxSize { throw .invalidArgument("http: request head exceeds \(maxSize) bytes") }
            return nil
        }
        let text = String(decoding: buffer[..<end], as: UTF8.self)
        buffer.removeFirst(end + 4)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { throw .invalidArgument("http: empty head") }
        let first = lines.removeFirst().split(separator: " ", maxSplits: 2).map(String.init)
        guard first.count >= 2 else { throw .invalidArgument("http: malformed first line") }
        var fields: [(String, String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw .invalidArgument("http: malformed header line") }
            fields.append((String(line[..<colon]).trimmed, String(line[line.index(after: colon)...]).trimmed))
        }
        return HTTPHead(line: first, fields: fields)
    }

    static func headEnd(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    public func serialized() -> [UInt8] {
        var text = line.joined(separator: " ") + "\r\n"
        for (name, value) in fields { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key` (RFC 6455 §4.2.2).
    public static func webSocketAccept(key: String) -> String {
        let digest = Insecure.SHA1.hash(data: Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        return Data(digest).base64EncodedString()
    }
}
