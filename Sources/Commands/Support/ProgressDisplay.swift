import Core
import Glibc
import Synchronization

/// Pull/push progress. On a terminal: one live line per blob (state and bytes) redrawn in place
/// at most ten times a second, and a totals line. Elsewhere (pipes, logs): one plain line per
/// finished blob. Nothing at all when quiet.
final class ProgressDisplay: Sendable {
    enum State: String, Sendable {
        case waiting, downloading, uploading, exists, mounted, done

        /// A blob in this state needs no more bytes.
        var isFinal: Bool { self == .done || self == .exists || self == .mounted }
    }

    private struct Row: Sendable {
        var label: String
        var state: State
        var bytes: Int64
        var total: Int64
    }

    private struct Screen: Sendable {
        var rows: [Row] = []
        var index: [String: Int] = [:]
        var linesDrawn = 0
        var lastDraw: ContinuousClock.Instant?
    }

    private let screen = Mutex(Screen())
    let interactive: Bool
    let quiet: Bool
    let started = ContinuousClock.now

    init(quiet: Bool) {
        self.quiet = quiet
        interactive = !quiet && isatty(1) == 1
    }

    /// Records an update for the blob `descriptor`.
    func update(_ descriptor: Descriptor, label: String, state: State, bytes: Int64? = nil) {
        update(key: descriptor.digest.description, label: label, state: state, bytes: bytes, total: descriptor.size)
    }

    /// Marks every blob still in progress as done, for when the whole operation has succeeded
    /// (a watcher polling from outside may have missed the last commits).
    func markAllDone() {
        screen.withLock { screen in
            for index in screen.rows.indices where !screen.rows[index].state.isFinal {
                screen.rows[index].state = .done
                screen.rows[index].bytes = screen.rows[index].total
            }
        }
    }

    /// Whether any blob has been shown.
    var isEmpty: Bool { screen.withLock { $0.rows.isEmpty } }

    /// Records an update for the blob known as `key` (a digest, an ingest ref), `total` bytes long.
    func update(key: String, label: String, state: State, bytes: Int64?, total: Int64) {
        guard !quiet else { return }
        let text: String? = screen.withLock { screen in
            if let position = screen.index[key] {
                screen.rows[position].state = state
                screen.rows[position].bytes = bytes ?? (state.isFinal ? total : screen.rows[position].bytes)
                screen.rows[position].total = max(total, screen.rows[position].total)
            } else {
                screen.index[key] = screen.rows.count
                screen.rows.append(Row(label: label, state: state, bytes: bytes ?? (state.isFinal ? total : 0), total: total))
            }
            if interactive {
                let now = ContinuousClock.now
                if let last = screen.lastDraw, now - last < .milliseconds(100), !state.isFinal {
                    return nil
                }
                screen.lastDraw = now
                return Self.redraw(&screen, elapsed: now - started)
            }
            guard state.isFinal else { return nil }
            let word = state.rawValue
            return word + String(repeating: " ", count: max(1, 8 - word.count)) + "\(label) \(humanSize(total))\n"
        }
        if let text { Self.emit(text) }
    }

    /// The final redraw (terminals) and a summary line.
    func finish(_ summary: String) {
        guard !quiet else { return }
        let text: String = screen.withLock { screen in
            var out = interactive ? Self.redraw(&screen, elapsed: ContinuousClock.now - started) : ""
            out += summary + "\n"
            return out
        }
        Self.emit(text)
    }

    private static func redraw(_ screen: inout Screen, elapsed: Duration) -> String {
        var out = screen.linesDrawn > 0 ? "\u{1B}[\(screen.linesDrawn)A" : ""
        var total: Int64 = 0
        var done: Int64 = 0
        for row in screen.rows {
            total += row.total
            done += row.bytes
            let amount = row.state == .exists ? "" : "\(humanSize(row.bytes))/\(humanSize(row.total))"
            out += "\u{1B}[2K\(row.label)  \(row.state.rawValue.padding(11))\(amount)\n"
        }
        let seconds = elapsed.seconds
        out += "\u{1B}[2Kelapsed: \(String(format1: seconds)) s   total: \(humanSize(done))/\(humanSize(total))\n"
        screen.linesDrawn = screen.rows.count + 1
        return out
    }

    private static func emit(_ text: String) {
        print(text, terminator: "")
        flushStandardOutput()
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }

    fileprivate init(format1 value: Double) {
        let tenths = Int64((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
