import Core
import Glibc

/// Asks for a password as containerd's `ctr` does for `--user NAME`: on the controlling terminal,
/// with echo off, restored even when reading fails. Without a terminal the password is the first
/// line of standard input (a script can pipe it in). It is never put in an argument or the
/// environment of anything we start.
enum PasswordPrompt {
    static func read(for user: String) throws(CtrError) -> String {
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard tty >= 0 else {
            guard let line = readLine(strippingNewline: true) else {
                throw .invalidArgument("no password for user \"\(user)\": standard input ended and there is no terminal")
            }
            return line
        }
        defer { close(tty) }
        var saved = termios()
        let haveTerminal = tcgetattr(tty, &saved) == 0
        if haveTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
            tcsetattr(tty, TCSAFLUSH, &quiet)
        }
        defer { if haveTerminal { tcsetattr(tty, TCSAFLUSH, &saved) } }
        let prompt = "Password for \(user): "
        _ = prompt.withCString { write(tty, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = Glibc.read(tty, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                throw .invalidArgument("no password for user \"\(user)\": the terminal closed")
            }
            if byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
