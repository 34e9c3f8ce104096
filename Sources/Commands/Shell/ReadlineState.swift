@preconcurrency import CReadline
import Dispatch
@preconcurrency import Glibc
import Synchronization

/// Readline's C callbacks and the state they share. Readline is not thread-safe: everything here
/// runs on the terminal thread (see `Terminal`), except `configure`, which runs before that
/// thread starts (pthread_create orders it before everything the thread does).
enum ReadlineState {
    // nonisolated(unsafe): the properties below are touched only on the terminal thread, or
    // before it starts (configure).
    nonisolated(unsafe) private static var finished = false
    nonisolated(unsafe) private static var text: String?
    nonisolated(unsafe) private static var matches: [String] = []
    nonisolated(unsafe) private static var matchIndex = 0
    nonisolated(unsafe) private static var completer: (@Sendable (String) async -> [String]?)?
    nonisolated(unsafe) private static var historyFile: String?

    static func configure(historyFile file: String?, complete: @escaping @Sendable (String) async -> [String]?) {
        completer = complete
        historyFile = file
        rl_readline_name = UnsafePointer(strdup("ctr"))
        // Ctrl-C is the terminal thread's to handle (readline would otherwise install its own handler).
        rl_catch_signals = 0
        // Words are split at blanks only: image references (`busybox:latest`) and `--option=value`
        // are completed whole.
        rl_completer_word_break_characters = UnsafePointer(strdup(" \t\n"))
        rl_attempted_completion_function = { text, _, _ in ReadlineState.attempt(text) }
        using_history()
        stifle_history(Int32(ShellHistory.limit))
        if let file { _ = read_history(file) }
    }

    static func begin(prompt: String) {
        finished = false
        text = nil
        rl_callback_handler_install(prompt) { line in
            ReadlineState.finished = true
            if let line {
                ReadlineState.text = String(cString: line)
                free(line)
            }
            rl_callback_handler_remove()
        }
    }

    /// Reads what the terminal has; returns the line once it is complete (nil text: end of input).
    static func readCharacter() -> (text: String?, Void)? {
        rl_callback_read_char()
        guard finished else { return nil }
        if let text, ShellHistory.mayRecord(text) {
            add_history(text)
            if let historyFile {
                _ = append_history(1, historyFile)
                _ = history_truncate_file(historyFile, Int32(ShellHistory.limit))
            }
        }
        return (text, ())
    }

    /// Ctrl-C at the prompt: the line is dropped and the prompt shown again, as bash does.
    static func discardLine(prompt: String) {
        rl_callback_sigcleanup()
        rl_replace_line("", 1)
        fputs("^C\n", stdout)
        fflush(stdout)
        rl_on_new_line()
        rl_redisplay()
    }

    private final class Answer: Sendable {
        let value = Mutex<[String]??>(nil)
    }

    private static func attempt(_ text: UnsafePointer<CChar>?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        rl_attempted_completion_over = 1
        guard let completer, let buffer = rl_line_buffer else { return nil }
        let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: Int(rl_point)), as: UTF8.self)
        let answer = Answer()
        let done = DispatchSemaphore(value: 0)
        Task {
            let candidates = await completer(line)
            answer.value.withLock { $0 = .some(candidates) }
            done.signal()
        }
        done.wait()
        guard let candidates = answer.value.withLock({ $0 }) ?? nil else {
            rl_attempted_completion_over = 0  // file names, as readline completes them
            return nil
        }
        guard !candidates.isEmpty else { return nil }
        matches = candidates
        guard let text else { return nil }
        return rl_completion_matches(text) { _, state in
            if state == 0 { ReadlineState.matchIndex = 0 }
            guard ReadlineState.matchIndex < ReadlineState.matches.count else { return nil }
            defer { ReadlineState.matchIndex += 1 }
            return strdup(ReadlineState.matches[ReadlineState.matchIndex])
        }
    }
}
