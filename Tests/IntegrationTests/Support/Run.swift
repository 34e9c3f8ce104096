import Foundation
import Testing
import TestSupport

/// The `ctr` binary built beside this test bundle (override with CTR_BINARY).
let ctrBinary: String = {
    if let path = ProcessInfo.processInfo.environment["CTR_BINARY"] { return path }
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return exe.deletingLastPathComponent().appendingPathComponent("ctr").path
}()

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

