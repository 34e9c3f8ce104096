public import Core

/// One line of a CRI container log file: `<RFC3339Nano> <stdout|stderr> <F|P> <content>`,
/// as kubelet and crictl read them.
public struct CRILogLine: Sendable, Equatable {
    public enum Stream: String, Sendable { case stdout, stderr }

    public var timestamp: String
    public var stream: Stream
    /// `P`: the runtime split a long line; the content continues in the next line of the stream.
    public var partial: Bool
    public var content: Substring

    public init(timestamp: String, stream: Stream, partial: Bool, content: Substring) {
        self.timestamp = timestamp
        self.stream = stream
        self.partial = partial
        self.content = content
    }

    /// Parses one line (without its newline); nil when it is not in the CRI format.
    public init?(parsing line: Substring) {
        let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard fields.count >= 3, let stream = Stream(rawValue: String(fields[1])) else { return nil }
        self.timestamp = String(fields[0])
        self.stream = stream
        switch fields[2] {
        case "F": partial = false
        case "P": partial = true
        default: return nil
        }
        content = fields.count == 4 ? fields[3] : ""
    }

    public var time: Timestamp? { RFC3339.parse(timestamp) }
}

/// A whole message from one stream: partial lines joined with the line that ends them.
public struct CRILogMessage: Sendable, Equatable {
    public var timestamp: String
    public var stream: CRILogLine.Stream
    public var content: String
    /// False for a message whose last part is still partial (the file ended mid-line).
    public var complete: Bool
}

/// Joins partial lines per stream into messages.
public struct CRILogAssembler: Sendable {
    private var pending: [CRILogLine.Stream: (String, String)] = [:]

    public init() {}

    /// Feeds one line; returns the message it completes, if any. Lines not in the CRI format are
    /// passed through as complete stdout messages.
    public mutating func add(_ raw: Substring) -> CRILogMessage? {
        guard let line = CRILogLine(parsing: raw) else {
            return CRILogMessage(timestamp: "", stream: .stdout, content: String(raw), complete: true)
        }
        let (timestamp, before) = pending.removeValue(forKey: line.stream) ?? (line.timestamp, "")
        let content = before + line.content
        if line.partial {
            pending[line.stream] = (timestamp, content)
            return nil
        }
        return CRILogMessage(timestamp: timestamp, stream: line.stream, content: content, complete: true)
    }

    /// The partial messages still waiting for their end.
    public mutating func flush() -> [CRILogMessage] {
        defer { pending.removeAll() }
        return pending.sorted { $0.key.rawValue > $1.key.rawValue }.map {
            CRILogMessage(timestamp: $0.value.0, stream: $0.key, content: $0.value.1, complete: false)
        }
    }
}
