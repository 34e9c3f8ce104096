import Foundation
import Testing

/// The `ctr` binary built beside this test bundle (override with CTR_BINARY).
let ctrBinary: String = {
    if let path = ProcessInfo.processInfo.environment["CTR_BINARY"] { return path }
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return exe.deletingLastPathComponent().appendingPathComponent("ctr").path
}()

/// What a finished command printed.
struct Output: CustomStringConvertible {
    var status: Int32
    /// Standard output exactly as written (binary output stays intact here).
    var stdoutBytes: Data
    var stderr: String
    /// Standard output as text (invalid UTF-8 replaced).
    var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }
    var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
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

/// Runs a command to completion with a deadline, capturing its output.
@discardableResult
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
         timeout: Duration = .seconds(60)) throws -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
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

/// Runs our `ctr` and requires success.
@discardableResult
func ctr(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
    let output = try run(ctrBinary, arguments, environment: environment)
    guard output.status == 0 else {
        throw TestFailure("ctr \(arguments.joined(separator: " ")) failed: \(output)")
    }
    return output.stdout
}

/// Runs Debian containerd's `ctr` and requires success.
@discardableResult
func containerdClient(_ arguments: [String]) throws -> String {
    let output = try run(containerdCtr, arguments)
    guard output.status == 0 else {
        throw TestFailure("containerd's ctr \(arguments.joined(separator: " ")) failed: \(output)")
    }
    return output.stdout
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A fresh directory under /tmp, removed by `remove()`. Short, so socket paths stay under 108 bytes.
struct TemporaryDirectory {
    let path: String

    init(_ prefix: String) throws {
        var bytes = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let made = bytes.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let result = mkdtemp(base) else { return nil }
            return String(cString: result)
        }
        guard let made else { throw TestFailure("mkdtemp failed") }
        path = made
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
