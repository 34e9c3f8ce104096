import CLinux
import CReadline
import Dispatch
import Glibc
import Synchronization

/// The interactive side of `ctr shell`: GNU readline in its callback mode, on a thread of its own
/// that also owns SIGINT. While a prompt is shown, Ctrl-C drops the line and prompts again, as
/// bash does; while a command runs, it calls `onInterrupt` (which cancels the command). Readline's
/// TAB completion asks `complete` (the same engine as the shell scripts) and waits for it there,
/// off Swift's cooperative threads.
final class Terminal: Sendable {
    fileprivate struct Request {
        let prompt: String
        let continuation: CheckedContinuation<String?, Never>
    }

    private let pending = Mutex<Request?>(nil)
    private let wake: (read: Int32, write: Int32)
    private let interrupts: Int32

    /// Starts the terminal thread. `complete` gets the line up to the cursor and returns the
    /// candidates for its last word, or nil to let readline complete file names.
    init(historyFile: String?, complete: @escaping @Sendable (String) async -> [String]?,
         onInterrupt: @escaping @Sendable () -> Void) {
        var fds: [Int32] = [-1, -1]
        _ = ctr_pipe_cloexec(&fds)
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        wake = (fds[0], fds[1])
        interrupts = ctr_sigint_fd()
        ReadlineState.configure(historyFile: historyFile, complete: complete)
        let thread = TerminalThread(terminal: self, onInterrupt: onInterrupt)
        thread.start()
    }

    /// Shows `prompt` and returns the line typed, or nil at end of input (Ctrl-D).
    func readLine(prompt: String) async -> String? {
        _ = ctr_sigint_fd()  // a command (ctr run, exec) may have replaced the handler
        return await withCheckedContinuation { continuation in
            pending.withLock { $0 = Request(prompt: prompt, continuation: continuation) }
            var byte: UInt8 = 0
            _ = write(wake.write, &byte, 1)
        }
    }

    fileprivate func takeRequest() -> Request? {
        pending.withLock { request in
            defer { request = nil }
            return request
        }
    }

    fileprivate var descriptors: (wake: Int32, interrupts: Int32) { (wake.read, interrupts) }
}

/// The thread that runs readline. Everything readline touches happens here.
private final class TerminalThread: @unchecked Sendable {
    // @unchecked: `active` is read and written only on the thread this object starts.
    private let terminal: Terminal
    private let onInterrupt: @Sendable () -> Void
    private var active: CheckedContinuation<String?, Never>?
    private var prompt = ""

    init(terminal: Terminal, onInterrupt: @escaping @Sendable () -> Void) {
        self.terminal = terminal
        self.onInterrupt = onInterrupt
    }

    func start() {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        _ = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<TerminalThread>.fromOpaque(context).takeRetainedValue().loop()
        }, context)
        pthread_detach(thread)
    }

    private func loop() -> Never {
        let (wake, interrupts) = terminal.descriptors
        while true {
            var fds = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: interrupts, events: Int16(POLLIN), revents: 0)]
            if active != nil { fds.append(pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)) }
            guard poll(&fds, nfds_t(fds.count), -1) > 0 else { continue }
            if fds[0].revents != 0 {
                ctr_drain_pipe(wake)
                if let request = terminal.takeRequest() {
                    active = request.continuation
                    prompt = request.prompt
                    ReadlineState.begin(prompt: prompt)
                }
            }
            if fds[1].revents != 0 {
                ctr_drain_pipe(interrupts)
                if active != nil {
                    ReadlineState.discardLine(prompt: prompt)
                } else {
                    onInterrupt()
                }
            }
            if fds.count > 2, fds[2].revents != 0 {
                if let line = ReadlineState.readCharacter() {
                    active?.resume(returning: line.text)
                    active = nil
                }
            }
        }
    }
}
