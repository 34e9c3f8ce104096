/// Resolves an OCI/CRI user specification (`name`, `uid`, `name:group`, `uid:gid`, …) against an
/// image's `/etc/passwd` and `/etc/group`, as runc and containerd do: a named user or group must
/// exist; a numeric one need not; the primary group defaults to the user's passwd entry (0 when
/// there is none); groups that list the user add supplementary IDs.
public enum UserDatabase {
    public struct Resolved: Sendable, Equatable {
        public var uid: UInt32
        public var gid: UInt32
        public var additionalGids: [UInt32]

        public init(uid: UInt32, gid: UInt32, additionalGids: [UInt32]) {
            self.uid = uid
            self.gid = gid
            self.additionalGids = additionalGids
        }
    }

    /// Whether resolving `user` needs the image's files (a name somewhere in it).
    public static func needsLookup(_ user: String) -> Bool {
        user.split(separator: ":", maxSplits: 1).contains { UInt32($0) == nil }
    }

    public static func resolve(_ user: String, passwd: String?, group: String?) throws(CtrError) -> Resolved {
        let parts = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let users = entries(passwd)
        let groups = entries(group)
        let userPart = parts[0]
        let entry: [String]?
        let uid: UInt32
        if let number = UInt32(userPart) {
            uid = number
            entry = users.first { $0.count > 2 && $0[2] == userPart }
        } else {
            guard let found = users.first(where: { $0.count > 3 && $0[0] == userPart }), let number = UInt32(found[2]) else {
                throw .notFound("user \"\(userPart)\": no such user in the image's /etc/passwd")
            }
            uid = number
            entry = found
        }
        var gid = entry.flatMap { $0.count > 3 ? UInt32($0[3]) : nil } ?? 0
        if parts.count > 1, !parts[1].isEmpty {
            if let number = UInt32(parts[1]) {
                gid = number
            } else {
                guard let found = groups.first(where: { $0.count > 2 && $0[0] == parts[1] }), let number = UInt32(found[2]) else {
                    throw .notFound("group \"\(parts[1])\": no such group in the image's /etc/group")
                }
                gid = number
            }
        }
        let name = entry?[0] ?? userPart
        let additional = groups.compactMap { fields -> UInt32? in
            guard fields.count > 3, fields[3].split(separator: ",").contains(Substring(name)),
                  let number = UInt32(fields[2]), number != gid else { return nil }
            return number
        }
        return Resolved(uid: uid, gid: gid, additionalGids: additional)
    }

    /// The colon-separated fields of each non-comment line.
    static func entries(_ text: String?) -> [[String]] {
        (text ?? "").split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
            return trimmed.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
