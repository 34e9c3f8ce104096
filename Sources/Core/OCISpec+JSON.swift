internal import FoundationEssentials

extension OCISpec {
    /// The spec as containerd stores it in a container record: compact JSON, sorted keys.
    public func encoded() throws(CtrError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(self))
        } catch {
            throw .internalError("encode OCI spec: \(error)")
        }
    }
}
