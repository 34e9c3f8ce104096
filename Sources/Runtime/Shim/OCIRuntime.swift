import Core

/// The OCI runtime a shim drives. `Runc` runs the real binary; tests substitute their own.
protocol OCIRuntime {
    /// Runs the runtime with `arguments`. With `stdio` (stdin, stdout, stderr descriptors) the
    /// runtime gets them and nothing is captured; without, its standard output is returned.
    @discardableResult
    func run(_ arguments: [String], stdio: [Int32]?) throws(CtrError) -> String
}

/// runc (or a runtime with its command line), with its log in the bundle: a failure is reported
/// with runc's own last logged error.
struct Runc: OCIRuntime {
    let binary: String
    let root: String
    let log: String
    let systemdCgroup: Bool

    init(options: ShimOptions) {
        binary = Subprocess.resolve(options.runtime)
        root = options.runtimeRoot
        log = options.bundle + "/log.json"
        systemdCgroup = options.systemdCgroup
    }

    @discardableResult
    func run(_ arguments: [String], stdio: [Int32]?) throws(CtrError) -> String {
        let full = [binary, "--root", root, "--log", log, "--log-format", "json"]
            + (systemdCgroup ? ["--systemd-cgroup"] : []) + arguments
        if let stdio {
            let pid = try Subprocess.spawn(full, stdin: stdio[0], stdout: stdio[1], stderr: stdio[2])
            let status = Subprocess.wait(pid)
            if status != 0 { throw .internalError(Self.failure(arguments[0], Self.lastError(log) ?? "exit status \(status)")) }
            return ""
        }
        let result = try Subprocess.run(full)
        if result.status != 0 {
            throw .internalError(Self.failure(arguments[0], Self.lastError(log) ?? result.error.trimmed))
        }
        return result.output
    }

    static func failure(_ operation: String, _ message: String) -> String {
        message.hasPrefix("runc ") ? message : "runc \(operation) failed: \(message)"
    }

    /// The message of the last error runc logged (its log is JSON lines).
    static func lastError(_ log: String) -> String? {
        guard let text = readTextFile(log) else { return nil }
        for line in text.split(separator: "\n").reversed() {
            guard let entry = try? JSONValue.parse(String(line)), entry["level"]?.stringValue == "error" else { continue }
            return entry["msg"]?.stringValue
        }
        return nil
    }
}
