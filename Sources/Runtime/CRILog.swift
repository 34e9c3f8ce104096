import Core

/// Turns a process's output stream into the CRI log format kubelet reads:
/// `<RFC3339Nano timestamp> <stdout|stderr> <F|P> <content>\n`, one record per line; a line
/// longer than `maxLine` bytes is split into partial (`P`) records ending with a full (`F`) one.
final class CRILogFormatter {
    let stream: String
    let maxLine: Int
    private var pending: [UInt8] = []

    init(stream: String, maxLine: Int) {
        self.stream = stream
        self.maxLine = maxLine
    }

    /// The records for the complete lines in `chunk`; an unfinished line waits for more.
    func format(_ chunk: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var rest = chunk
        while !rest.isEmpty {
            if let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
                pending += rest[rest.startIndex..<newline]
                rest = rest[(newline + 1)...]
                emitOverflow(into: &out)
                record(pending[...], full: true, into: &out)
                pending.removeAll(keepingCapacity: true)
            } else {
                pending += rest
                rest = []
                emitOverflow(into: &out)
            }
        }
        return out
    }

    /// What is left at the end of the stream, as a full record.
    func flush() -> [UInt8] {
        guard !pending.isEmpty else { return [] }
        var out: [UInt8] = []
        record(pending[...], full: true, into: &out)
        pending.removeAll()
        return out
    }

    private func emitOverflow(into out: inout [UInt8]) {
        guard maxLine > 0 else { return }
        while pending.count > maxLine {
            record(pending[..<maxLine], full: false, into: &out)
            pending.removeFirst(maxLine)
        }
    }

    private func record(_ content: ArraySlice<UInt8>, full: Bool, into out: inout [UInt8]) {
        out += Array("\(RFC3339.format(.now)) \(stream) \(full ? "F" : "P") ".utf8)
        out += content
        out.append(UInt8(ascii: "\n"))
    }
}
