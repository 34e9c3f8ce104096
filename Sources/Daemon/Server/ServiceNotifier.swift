import Core
import Glibc

/// systemd's service notifications (the sd_notify protocol: one datagram of `KEY=VALUE` lines to
/// the socket in `NOTIFY_SOCKET`), for a daemon started by a `Type=notify` unit: `READY=1` once
/// the socket answers calls, `STOPPING=1` when a stop begins, `EXTEND_TIMEOUT_USEC` while a long
/// drain runs (so systemd's stop timeout does not kill it midway). Without `NOTIFY_SOCKET` it
/// does nothing.
struct ServiceNotifier: Sendable {
    let socket: String?

    /// Takes `NOTIFY_SOCKET` out of the environment: the shims and runc must not see it (runc
    /// would hand it to the container and wait for the container's own READY=1).
    static func fromEnvironment() -> ServiceNotifier {
        guard let value = getenv("NOTIFY_SOCKET") else { return ServiceNotifier(socket: nil) }
        let path = String(cString: value)
        unsetenv("NOTIFY_SOCKET")
        return ServiceNotifier(socket: path.isEmpty ? nil : path)
    }

    @discardableResult
    func notify(_ fields: [String]) -> Bool {
        guard let socket else { return false }
        return UnixSocket.sendDatagram(fields.joined(separator: "\n") + "\n", to: socket)
    }

    func ready(status: String) {
        notify(["READY=1", "STATUS=" + status, "MAINPID=\(getpid())"])
    }

    /// A stop began; systemd waits `budget` more before its stop timeout applies again.
    func stopping(budget: Duration) {
        notify(["STOPPING=1", "STATUS=draining in-flight calls", Self.extend(budget)])
    }

    func extendTimeout(_ budget: Duration, status: String) {
        notify(["STATUS=" + status, Self.extend(budget)])
    }

    static func extend(_ budget: Duration) -> String {
        let (seconds, attoseconds) = budget.components
        return "EXTEND_TIMEOUT_USEC=\(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)"
    }
}
