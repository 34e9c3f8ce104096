import Core

/// What one garbage-collection pass removed.
public struct CollectionResult: Sendable, Equatable {
    /// Content records removed, per namespace.
    public var content: [String: [Digest]] = [:]
    /// Blobs no namespace refers to any more: the caller deletes their files.
    public var orphanBlobs: [Digest] = []
    /// Leases removed because their `containerd.io/gc.expire` time passed.
    public var expiredLeases: [String: [String]] = [:]

    public var isEmpty: Bool { content.isEmpty && orphanBlobs.isEmpty && expiredLeases.isEmpty }
}

extension MetadataStore {
    /// Mark and sweep over content, in one transaction, as containerd's GC does it: roots are image
    /// targets, content labelled `containerd.io/gc.root`, and content held by a lease; references
    /// follow `containerd.io/gc.ref.content*` labels. Expired leases are removed first.
    public func collectGarbage(now: Timestamp = .now) throws(CtrError) -> CollectionResult {
        try database.transaction { (conn) throws(CtrError) -> CollectionResult in
            var result = CollectionResult()
            for row in try conn.query("SELECT namespace, id, labels FROM leases") {
                guard let namespace = row[0].text, let id = row[1].text, let text = row[2].text else { continue }
                let labels = try StringMap.decode(text)
                if let expire = labels[WellKnownLabels.gcExpire], let when = RFC3339.parse(expire), when < now {
                    try conn.query("DELETE FROM leases WHERE namespace = ? AND id = ?", [.text(namespace), .text(id)])
                    result.expiredLeases[namespace, default: []].append(id)
                }
            }

            var contentLabels: [String: [String: [String: String]]] = [:]
            for row in try conn.query("SELECT namespace, digest, labels FROM content") {
                guard let namespace = row[0].text, let digest = row[1].text, let text = row[2].text else { continue }
                contentLabels[namespace, default: [:]][digest] = try StringMap.decode(text)
            }
            var roots: [String: Set<String>] = [:]
            for row in try conn.query("SELECT namespace, digest FROM images") {
                if let namespace = row[0].text, let digest = row[1].text { roots[namespace, default: []].insert(digest) }
            }
            for row in try conn.query("SELECT namespace, id FROM lease_resources WHERE type = 'content'") {
                if let namespace = row[0].text, let digest = row[1].text { roots[namespace, default: []].insert(digest) }
            }
            for (namespace, records) in contentLabels {
                for (digest, labels) in records where labels[WellKnownLabels.gcRoot] != nil {
                    roots[namespace, default: []].insert(digest)
                }
            }

            for (namespace, records) in contentLabels {
                var marked: Set<String> = []
                var queue = Array(roots[namespace] ?? [])
                while let digest = queue.popLast() {
                    guard marked.insert(digest).inserted, let labels = records[digest] else { continue }
                    for (key, value) in labels where key.hasPrefix(WellKnownLabels.gcRefContent) {
                        queue.append(value)
                    }
                }
                for digest in records.keys.sorted() where !marked.contains(digest) {
                    try conn.query("DELETE FROM content WHERE namespace = ? AND digest = ?",
                                   [.text(namespace), .text(digest)])
                    result.content[namespace, default: []].append(try Digest(parsing: digest))
                }
            }
            for digests in result.content.values {
                for digest in digests
                where try conn.query("SELECT 1 FROM content WHERE digest = ? LIMIT 1", [.text(digest.description)]).isEmpty {
                    result.orphanBlobs.append(digest)
                }
            }
            return result
        }
    }
}

/// RFC 3339 times as containerd writes them in labels (`2026-11-29T10:00:00Z`,
/// `2026-11-29T10:00:00.123456789+01:00`).
public enum RFC3339 {
    public static func parse(_ text: String) -> Timestamp? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 20, let year = number(0, 4), bytes[4] == UInt8(ascii: "-"), let month = number(5, 2),
              bytes[7] == UInt8(ascii: "-"), let day = number(8, 2), bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var nanos = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if digits < 9 { nanos = nanos * 10 + Int(bytes[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 where digits < 9 { nanos *= 10 }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
            guard index + 1 == bytes.count else { return nil }
        } else {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
                  let hours = number(index + 1, 2), index + 3 < bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                  let minutes = number(index + 4, 2), index + 6 == bytes.count
            else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        // Days from the civil date (proleptic Gregorian), Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        let seconds = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second - offset)
        return Timestamp(seconds: seconds, nanos: Int32(nanos))
    }
}
