import API
import Core
import FoundationEssentials
import Synchronization

/// What a streaming URL was issued for: the CRI request, checked when it was made.
enum StreamRequest: Sendable {
    case exec(containerID: String, command: [String], tty: Bool, stdin: Bool, stdout: Bool, stderr: Bool)
    case attach(containerID: String, tty: Bool, stdin: Bool, stdout: Bool, stderr: Bool)
    case portForward(sandboxID: String, ports: [Int32])

    var path: String {
        switch self {
        case .exec: "exec"
        case .attach: "attach"
        case .portForward: "portforward"
        }
    }
}

/// The tokens of issued streaming URLs: single use, 128 random bits, valid for a minute if nobody
/// connects, at most `capacity` waiting at once (the oldest goes when a new one would exceed it).
final class StreamTokens: Sendable {
    struct Entry: Sendable {
        var request: StreamRequest
        var issued: ContinuousClock.Instant
    }

    let lifetime: Duration
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(lifetime: Duration = .seconds(60), capacity: Int = 1000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Stores `request` and returns its token (URL-safe base64 of 16 random bytes).
    func issue(_ request: StreamRequest) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // URL-safe base64 (RFC 4648 §5) without padding: 22 characters.
        let token = String(Data(bytes).base64EncodedString().compactMap { character -> Character? in
            switch character {
            case "+": "-"
            case "/": "_"
            case "=": nil
            default: character
            }
        })
        let now = ContinuousClock.now
        entries.withLock { entries in
            entries = entries.filter { now - $0.value.issued < lifetime }
            if entries.count >= capacity, let oldest = entries.min(by: { $0.value.issued < $1.value.issued }) {
                entries[oldest.key] = nil
            }
            entries[token] = Entry(request: request, issued: now)
        }
        return token
    }

    /// The request of `token` if it is known, unused and unexpired; it is used up either way.
    func take(_ token: String) -> StreamRequest? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries.removeValue(forKey: token), now - entry.issued < lifetime else { return nil }
            return entry.request
        }
    }

    var waiting: Int { entries.withLock { $0.count } }
}

/// Runtime work a session starts and nobody awaits (killing an exec whose client left, deleting a
/// finished exec): tracked so that a stopping daemon finishes it before it exits.
final class StreamWork: Sendable {
    private let tasks = Mutex<(next: Int, running: [Int: Task<Void, Never>])>((0, [:]))

    func run(_ body: @escaping @Sendable () async -> Void) {
        tasks.withLock { state in
            let key = state.next
            state.next += 1
            state.running[key] = Task { [weak self] in
                await body()
                _ = self?.tasks.withLock { $0.running.removeValue(forKey: key) }
            }
        }
    }

    /// Waits for the work running now.
    func drain() async {
        let running = tasks.withLock { Array($0.running.values) }
        for task in running { await task.value }
    }
}
