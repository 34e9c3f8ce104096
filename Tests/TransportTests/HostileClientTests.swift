import Foundation
import GRPCCore
import Testing
import TestSupport

/// Raw HTTP/2 clients (Debian's python3-h2, `Tests/Fixtures/scripts/h2-client.py`) doing what a
/// well-behaved gRPC client does not, against the transport; each case beside a well-behaved call
/// that must still be answered.
extension ServerTransportTests {
    static let h2Client = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/scripts/h2-client.py").path

    /// Runs the raw client in `mode` against the server behind `probe`; what it saw. It waits on a
    /// thread of its own: blocking a thread of the shared task pool (two on this machine) would
    /// starve the handlers the client waits for.
    func rawClient(_ probe: Probe, _ mode: String, _ argument: Int? = nil) async throws -> [String: Any] {
        let arguments = [Self.h2Client, probe.socket, mode] + (argument.map { [String($0)] } ?? [])
        let output: Output = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try run("/usr/bin/python3", arguments, timeout: .seconds(60)) })
            }
        }
        guard output.status == 0, let object = try JSONSerialization.jsonObject(with: output.stdoutBytes) as? [String: Any] else {
            throw TestFailure("h2-client.py \(mode): \(output)")
        }
        return object
    }

    @Test("a client that pings after every answer, as grpc-go's BDP estimator does, is never told to calm down",
          arguments: ServerKind.allCases)
    func bdpPings(kind: ServerKind) async throws {
        try await withServer(kind) { client, probe, _ in
            let seen = try await rawClient(probe, "bdp", 500)
            let statuses = seen["statuses"] as? [[String: Any]] ?? []
            #expect(statuses.allSatisfy { $0["status"] as? Int == 0 })
            switch kind {
            case .ours:
                #expect(statuses.count == 500, "\(statuses.count) answers")
                #expect(seen["goaway"] is NSNull, "\(seen)")
            case .reference:
                // A difference on purpose: swift-nio-http2's default control-frame limit (200 per
                // 30 s) ends the connection with ENHANCE_YOUR_CALM, which a kubelet would meet.
                #expect(statuses.count < 500, "\(statuses.count) answers")
                #expect((seen["goaway"] as? [String: Any])?["code"] as? Int == 11, "\(seen)")
            }
            #expect(try await client.call(Self.echo, Array("bystander".utf8)) == Array("bystander".utf8))
        }
    }

    @Test("PINGs with nothing between them get GOAWAY too_many_pings after the third strike, a flood is cut off; other clients are served")
    func pingFlood() async throws {
        try await withServer(.ours) { client, probe, _ in
            // As grpc-go's keepalive enforcement: the first PING is free, two more are strikes
            // allowed, the next ends the connection.
            let pings = try await rawClient(probe, "pings", 10)
            let goaway = pings["goaway"] as? [String: Any]
            #expect(goaway?["code"] as? Int == 11 && goaway?["data"] as? String == "too_many_pings", "\(pings)")
            #expect(pings["answered"] as? Int == 3 && pings["closed"] as? Bool == true, "\(pings)")
            // A client that floods without reading is cut off long before it is done.
            let seen = try await rawClient(probe, "ping-flood", 100_000)
            #expect(seen["closed"] as? Bool == true && (seen["sent"] as? Int ?? 0) < 100_000, "\(seen)")
            #expect(try await client.call(Self.echo, Array("bystander".utf8)) == Array("bystander".utf8))
        }
    }

    @Test("trailers that arrive inside a message fail the call instead of completing it", arguments: ServerKind.allCases)
    func trailersInsideMessage(kind: ServerKind) async throws {
        try await withServer(kind) { client, probe, _ in
            let seen = try await rawClient(probe, "trailers-inside")
            let statuses = seen["statuses"] as? [[String: Any]] ?? []
            #expect(!statuses.contains { $0["status"] as? Int == 0 }, "\(seen)")
            if kind == .ours {
                // The reference closes the connection without an answer; ours answers the call.
                #expect(statuses.count == 1 && statuses.first?["message"] as? String == "the request ended inside a message",
                        "\(seen)")
            }
            #expect(try await client.call(Self.echo, Array("bystander".utf8)) == Array("bystander".utf8))
        }
    }

    @Test("a connection error closes the connection, and a call that came before it in the same read never runs")
    func connectionError() async throws {
        try await withServer(.ours) { client, probe, _ in
            let seen = try await rawClient(probe, "error-after-call")
            #expect(seen["closed"] as? Bool == true, "\(seen)")
            #expect((seen["goaway"] as? [String: Any])?["code"] as? Int == 1, "PROTOCOL_ERROR: \(seen)")
            // A bystander's call is answered after the bad connection's frames were handled; the
            // Sleep call had its chance to start by then, and must not have.
            #expect(try await client.call(Self.echo, Array("bystander".utf8)) == Array("bystander".utf8))
            try await Task.sleep(for: .milliseconds(300))
            #expect(probe.startedSleeps == 0)
        }
    }

    @Test("a connection that sends nothing, not even the preface, is closed after the preface timeout")
    func silentConnection() async throws {
        try await withServer(.ours, prefaceTimeout: .seconds(1)) { client, probe, _ in
            let seen = try await rawClient(probe, "silent")
            #expect(seen["closed"] as? Bool == true, "\(seen)")
            #expect((seen["seconds"] as? Double ?? 99) < 9, "\(seen)")
            #expect(try await client.call(Self.echo, Array("bystander".utf8)) == Array("bystander".utf8))
        }
    }

    @Test("with an idle limit, a connection is ended gracefully once no call has been open for that long, never during a call")
    func idleLimit() async throws {
        try await withServer(.ours, maxConnectionIdle: .seconds(1)) { client, probe, _ in
            let seen = try await rawClient(probe, "idle", 2500)
            #expect((seen["statuses"] as? [[String: Any]])?.first?["status"] as? Int == 0, "the long call ends well: \(seen)")
            #expect(seen["goaway_during_call"] as? Bool == false, "\(seen)")
            #expect((seen["goaway"] as? [String: Any])?["code"] as? Int == 0, "GOAWAY NO_ERROR: \(seen)")
            #expect(seen["closed"] as? Bool == true, "\(seen)")
            let idle = seen["idle_seconds"] as? Double ?? 0
            #expect(idle >= 0.8 && idle < 6, "\(seen)")
            // The bystander's own connection was idle as long, and is ended the same way. A call
            // that grpc-swift starts on it just as the GOAWAY arrives fails with UNAVAILABLE, which
            // gRPC defines as never processed and safe to retry (grpc-swift does not retry it
            // itself): a slow machine hit that once. The next call must reach the server.
            let bystander = Array("bystander".utf8)
            do {
                #expect(try await client.call(Self.echo, bystander) == bystander)
            } catch let error as RPCError where error.code == .unavailable {
                #expect(try await client.call(Self.echo, bystander) == bystander)
            }
        }
    }
}
