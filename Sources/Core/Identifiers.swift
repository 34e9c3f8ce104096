/// Validation of object identifiers, the same rules as containerd's `identifiers.Validate`:
/// 1–76 characters, alphanumerics separated by single `.`, `_` or `-`.
public enum Identifier {
    public static let maxLength = 76

    public static func validate(_ id: String, kind: String = "identifier") throws(CtrError) {
        if id.isEmpty {
            throw .invalidArgument("\(kind) must not be empty")
        }
        if id.utf8.count > maxLength {
            throw .invalidArgument("\(kind) \"\(id)\" greater than maximum length (\(maxLength) characters)")
        }
        var previousWasSeparator = true
        for byte in id.utf8 {
            let isAlnum = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                || (byte >= 0x61 && byte <= 0x7A)
            let isSeparator = byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            if isAlnum {
                previousWasSeparator = false
            } else if isSeparator && !previousWasSeparator {
                previousWasSeparator = true
            } else {
                throw .invalidArgument(
                    "\(kind) \"\(id)\" must match [A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*")
            }
        }
        if previousWasSeparator {
            throw .invalidArgument("\(kind) \"\(id)\" must match [A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*")
        }
    }
}

extension Identifier {
    /// 64 random hex digits: sandbox and container IDs as containerd's CRI makes them.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<64).map { _ in digits[Int(generator.next() % 16)] })
    }
}
