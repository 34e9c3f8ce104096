import Core

extension TarHeader {
    /// PAX records, `<length> <key>=<value>\n` each, `length` counting the whole record; values
    /// are raw bytes (xattrs may be binary).
    static func records(_ data: ArraySlice<UInt8>, _ context: ErrorContext) throws(CtrError) -> [String: [UInt8]] {
        var records: [String: [UInt8]] = [:]
        var index = data.startIndex
        while index < data.endIndex {
            let start = index - data.startIndex
            guard let space = data[index...].prefix(20).firstIndex(of: UInt8(ascii: " ")), space > index,
                  data[index..<space].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  let length = Int(String(decoding: data[index..<space], as: UTF8.self)),
                  length <= data.endIndex - index, space + 1 < index + length,
                  data[index + length - 1] == UInt8(ascii: "\n"),
                  let equals = data[(space + 1)..<(index + length - 1)].firstIndex(of: UInt8(ascii: "="))
            else { throw context.error("malformed PAX record at byte \(start) of the extended header") }
            let key = String(decoding: data[(space + 1)..<equals], as: UTF8.self)
            records[key] = Array(data[(equals + 1)..<(index + length - 1)])
            index += length
        }
        return records
    }

    /// Applies the PAX records we use: path, linkpath, size, uid, gid, mtime, `SCHILY.xattr.*`.
    mutating func apply(_ records: [String: [UInt8]], _ context: ErrorContext) throws(CtrError) {
        func integer(_ key: String, _ text: String, range: ClosedRange<Int64>) throws(CtrError) -> Int64 {
            guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  let value = Int64(text), range.contains(value)
            else { throw context.error("PAX \(key) \(Self.printable(Array(text.utf8)[...])) is not a number in range") }
            return value
        }
        for (key, value) in records {
            let text = String(decoding: value, as: UTF8.self)
            switch key {
            case "path": name = text
            case "linkpath": linkname = text
            case "size": size = try integer(key, text, range: 0...Self.maxSize)
            case "uid": uid = try integer(key, text, range: 0...Int64.max)
            case "gid": gid = try integer(key, text, range: 0...Int64.max)
            case "mtime": (mtime, mtimeNanos) = try Self.time(text, context)
            default:
                if key.hasPrefix("SCHILY.xattr.") {
                    xattrs[String(key.dropFirst("SCHILY.xattr.".count))] = value
                }
            }
        }
    }

    /// A PAX time: seconds, optionally negative, with up to nine digits of fraction used.
    static func time(_ text: String, _ context: ErrorContext) throws(CtrError) -> (Int64, Int64) {
        let negative = text.hasPrefix("-")
        let parts = text.dropFirst(negative ? 1 : 0).split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digits: (Substring) -> Bool = { $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }
        guard let whole = parts.first, !whole.isEmpty, digits(whole), let seconds = Int64(whole),
              parts.count == 1 || digits(parts[1])
        else { throw context.error("PAX mtime \(printable(Array(text.utf8)[...])) is not a time") }
        var nanos: Int64 = 0
        if parts.count == 2 {
            for (index, digit) in parts[1].utf8.prefix(9).enumerated() {
                nanos += Int64(digit - UInt8(ascii: "0")) * power10(8 - index)
            }
        }
        guard negative else { return (seconds, nanos) }
        return nanos == 0 ? (-seconds, 0) : (-seconds - 1, 1_000_000_000 - nanos)
    }

    private static func power10(_ exponent: Int) -> Int64 {
        var value: Int64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}
