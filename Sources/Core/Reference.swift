/// An image reference, normalized as Docker and containerd do: `busybox` is
/// `docker.io/library/busybox:latest`, `user/app` is `docker.io/user/app:latest`, and a first
/// component with a `.` or `:` (or `localhost`) names the registry host.
public struct Reference: Sendable, Hashable, CustomStringConvertible {
    public var domain: String
    public var path: String
    public var tag: String?
    public var digest: Digest?

    public init(parsing text: String) throws(CtrError) {
        let original = text
        var rest = Substring(text)
        if rest.isEmpty { throw .invalidArgument("reference must not be empty") }
        if let at = rest.firstIndex(of: "@") {
            digest = try Digest(parsing: String(rest[rest.index(after: at)...]))
            rest = rest[..<at]
        }
        // A tag follows the last ':' that comes after the last '/'.
        let lastSlash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            let candidate = String(rest[rest.index(after: colon)...])
            try Self.validateTag(candidate, original)
            tag = candidate
            rest = rest[..<colon]
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if components.count > 1, let first = components.first,
           first.contains(".") || first.contains(":") || first == "localhost" {
            domain = first
            components.removeFirst()
        } else {
            domain = "docker.io"
        }
        if domain == "index.docker.io" { domain = "docker.io" }
        if domain == "docker.io" && components.count == 1 { components.insert("library", at: 0) }
        for component in components {
            try Self.validateComponent(component, original)
        }
        path = components.joined(separator: "/")
        if tag == nil && digest == nil { tag = "latest" }
    }

    /// `domain/path`.
    public var repository: String { domain + "/" + path }

    /// What to ask the registry for: the digest when there is one, else the tag.
    public var object: String { digest?.description ?? tag ?? "latest" }

    /// The normalized reference: `domain/path:tag`, `domain/path@digest` or both.
    public var description: String {
        var text = repository
        if let tag { text += ":" + tag }
        if let digest { text += "@" + digest.description }
        return text
    }

    private static func validateTag(_ tag: String, _ reference: String) throws(CtrError) {
        let bytes = Array(tag.utf8)
        func word(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_")
        }
        guard let first = bytes.first, word(first), bytes.count <= 128,
              bytes.allSatisfy({ word($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
        else { throw .invalidArgument("invalid reference \"\(reference)\": invalid tag \"\(tag)\"") }
    }

    private static func validateComponent(_ component: String, _ reference: String) throws(CtrError) {
        let bytes = Array(component.utf8)
        func alnum(_ byte: UInt8) -> Bool { (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) }
        func separator(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard let first = bytes.first, let last = bytes.last, alnum(first), alnum(last),
              bytes.allSatisfy({ alnum($0) || separator($0) })
        else {
            let reason = component.isEmpty ? "empty path component"
                : component.lowercased() != component ? "repository name must be lowercase"
                : "invalid path component \"\(component)\""
            throw .invalidArgument("invalid reference \"\(reference)\": \(reason)")
        }
    }
}
