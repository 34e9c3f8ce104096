import Foundation
import Testing
import TestSupport

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

