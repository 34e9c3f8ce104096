import GRPCCore
import NIOCore
import NIOHPACK

/// gRPC over HTTP/2 header blocks, server side (the gRPC "PROTOCOL-HTTP2" document): what a
/// request must carry, and the response headers and trailers.
enum GRPCHeaders {
    /// A request's method and metadata, or the response that rejects it.
    enum Request {
        /// `timeout` is the client's `grpc-timeout`, which the transport keeps itself (the header is
        /// not in `metadata`).
        case accepted(path: String, metadata: Metadata, timeout: TimeAmount?)
        case rejected(HPACKHeaders)
    }

    static func request(_ headers: HPACKHeaders) -> Request {
        guard isGRPC(headers.first(name: "content-type")) else {
            // Not a gRPC request at all: HTTP's own answer, as the protocol document asks.
            return .rejected([":status": "415"])
        }
        guard headers.first(name: ":method") == "POST" else {
            return .rejected(trailers(Status(code: .invalidArgument, message: ":method must be POST"), [:],
                                      trailersOnly: true))
        }
        guard let path = headers.first(name: ":path"), path.hasPrefix("/") else {
            return .rejected(trailers(Status(code: .invalidArgument, message: "the request has no :path"), [:],
                                      trailersOnly: true))
        }
        if let encoding = headers.first(name: "grpc-encoding"), encoding != "identity" {
            var rejection = trailers(
                Status(code: .unimplemented, message: "\(encoding) compression is not supported"), [:],
                trailersOnly: true)
            rejection.add(name: "grpc-accept-encoding", value: "identity")
            return .rejected(rejection)
        }
        var metadata = Metadata()
        var timeout: TimeAmount?
        metadata.reserveCapacity(headers.count)
        for (name, value, _) in headers where !name.hasPrefix(":") {
            if name == "grpc-timeout" {
                guard let parsed = parseTimeout(value) else {
                    return .rejected(trailers(Status(code: .invalidArgument, message: "malformed grpc-timeout \"\(value)\""),
                                              [:], trailersOnly: true))
                }
                timeout = parsed
            } else if name.hasSuffix("-bin"), let bytes = Base64.decode(value) {
                metadata.addBinary(bytes, forKey: name)
            } else {
                metadata.addString(value, forKey: name)
            }
        }
        return .accepted(path: path, metadata: metadata, timeout: timeout)
    }

    /// `grpc-timeout`: up to 8 digits and a unit (H, M, S, m, u, n).
    static func parseTimeout(_ value: String) -> TimeAmount? {
        let digits = value.utf8.dropLast()
        guard let unit = value.utf8.last, (1...8).contains(digits.count),
              let amount = Int64(String(decoding: digits, as: UTF8.self)), amount >= 0 else { return nil }
        switch unit {
        case UInt8(ascii: "H"): return .hours(amount)
        case UInt8(ascii: "M"): return .minutes(amount)
        case UInt8(ascii: "S"): return .seconds(amount)
        case UInt8(ascii: "m"): return .milliseconds(amount)
        case UInt8(ascii: "u"): return .microseconds(amount)
        case UInt8(ascii: "n"): return .nanoseconds(amount)
        default: return nil
        }
    }

    static func responseHeaders(_ metadata: Metadata) -> HPACKHeaders {
        var headers: HPACKHeaders = [":status": "200", "content-type": "application/grpc"]
        add(metadata, to: &headers)
        return headers
    }

    /// The end of a response; a trailers-only response (no headers or messages sent before it)
    /// also carries the response headers.
    static func trailers(_ status: Status, _ metadata: Metadata, trailersOnly: Bool) -> HPACKHeaders {
        var trailers: HPACKHeaders = trailersOnly ? [":status": "200", "content-type": "application/grpc"] : [:]
        trailers.add(name: "grpc-status", value: String(status.code.rawValue))
        if !status.message.isEmpty {
            trailers.add(name: "grpc-message", value: percentEncoded(status.message))
        }
        add(metadata, to: &trailers)
        return trailers
    }

    private static func add(_ metadata: Metadata, to headers: inout HPACKHeaders) {
        for (key, value) in metadata {
            switch value {
            case .string(let string): headers.add(name: key.lowercased(), value: string)
            case .binary(let bytes): headers.add(name: key.lowercased(), value: Base64.encode(bytes))
            }
        }
    }

    /// `application/grpc`, optionally followed by `+format` or `;parameters`.
    private static func isGRPC(_ contentType: String?) -> Bool {
        guard let contentType, contentType.hasPrefix("application/grpc") else { return false }
        let rest = contentType.utf8.dropFirst("application/grpc".utf8.count)
        return rest.first.map { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ";") } ?? true
    }

    /// grpc-message is percent-encoded UTF-8: printable ASCII other than `%` stays as it is.
    static func percentEncoded(_ message: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        encoded.reserveCapacity(message.utf8.count)
        for byte in message.utf8 {
            if byte >= 0x20 && byte <= 0x7e && byte != UInt8(ascii: "%") {
                encoded.append(byte)
            } else {
                encoded += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xf)]]
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }
}

/// Base64 for binary (`-bin`) metadata: standard alphabet, padding optional on input, omitted on
/// output, as gRPC allows.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * offset) }
            for position in 0...chunk.count { out.append(alphabet[Int((value >> (18 - 6 * position)) & 0x3f)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var value: UInt32 = 0
        var bits = 0
        for character in text.utf8 where character != UInt8(ascii: "=") {
            let digit: UInt8
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = character - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = character - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = character - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): digit = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): digit = 63
            default: return nil
            }
            value = value << 6 | UInt32(digit)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: value >> UInt32(bits)))
            }
        }
        return out
    }
}
