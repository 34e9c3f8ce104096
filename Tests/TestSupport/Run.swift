import Foundation

// What every test target shares: running a program with a deadline, temporary directories, polling
// for a condition with a bound, and one error type.

/// What a finished command printed.
public struct Output: CustomStringConvertible {
    public var status: Int32
    /// Standard output exactly as written (binary output stays intact here).
    public var stdoutBytes: Data
    public var stderr: String
    /// Standard output as text (invalid UTF-8 replaced).
    public var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }
    public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// Collects a pipe's bytes on a background thread.
private final class PipeReader: @unchecked Sendable {
    // @unchecked: `data` is written once by the reading thread before `done` is signalled and only
    // read after waiting on `done`.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        Thread.detachNewThread { [self] in
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
    }

    func bytes(until deadline: DispatchTime) -> Data? {
        guard done.wait(timeout: deadline) == .success else { return nil }
        return data
    }
}

/// Runs a command to completion with a deadline, capturing its output; in `directory` if given.
@discardableResult
public func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                in directory: String? = nil, timeout: Duration = .seconds(60)) throws -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var env = ProcessInfo.processInfo.environment
    for key in ["CONTAINERD_ADDRESS", "CONTAINERD_NAMESPACE", "CONTAINER_RUNTIME_ENDPOINT"] { env[key] = nil }
    env.merge(environment) { _, new in new }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let outReader = PipeReader(out)
    let errReader = PipeReader(err)
    let deadline = DispatchTime.now() + Double(timeout.components.seconds)
    guard let stdout = outReader.bytes(until: deadline), let stderr = errReader.bytes(until: deadline) else {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw TestFailure("\(executable) \(arguments.joined(separator: " ")) did not finish in \(timeout)")
    }
    process.waitUntilExit()
    return Output(status: process.terminationStatus, stdoutBytes: stdout, stderr: String(decoding: stderr, as: UTF8.self))
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A fresh directory under /tmp, removed by `remove()`. Short, so socket paths stay under 108 bytes.
public struct TemporaryDirectory {
    public let path: String

    public init(_ prefix: String) throws {
        var bytes = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let made = bytes.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let result = mkdtemp(base) else { return nil }
            return String(cString: result)
        }
        guard let made else { throw TestFailure("mkdtemp failed") }
        path = made
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A fresh path under /tmp that nothing uses yet (`prefix-<uuid><suffix>`), for tests that make
/// the file or directory themselves.
public func temporaryPath(_ prefix: String, suffix: String = "") -> String {
    "/tmp/\(prefix)-\(UUID().uuidString)\(suffix)"
}

/// Waits until `condition` holds (polling), or fails after `timeout`.
public func eventually(_ what: String, timeout: Duration = .seconds(10), _ condition: () throws -> Bool) throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return }
        Thread.sleep(forTimeInterval: 0.05)
    }
    throw TestFailure("timed out waiting for \(what)")
}
