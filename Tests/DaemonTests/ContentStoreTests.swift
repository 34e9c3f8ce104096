import Core
@testable import Daemon
import Foundation
import Store
import Testing
import TestSupport

@Suite("Content store")
struct ContentStoreTests {
    let directory = temporaryPath("ctr-content")

    func open() throws -> ContentService {
        try FileManager.default.createDirectory(atPath: directory + "/content", withIntermediateDirectories: true)
        let metadata = try MetadataStore(path: directory + "/meta.db")
        return try ContentService(root: directory + "/content", metadata: metadata)
    }

    let hello = Array("hello, content".utf8)
    var helloDigest: Digest { Digest(sha256Hex: sha256Hex(hello)) }

    @Test("write, commit with size and digest checks, read back, list, label, delete")
    func lifecycle() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try open()
        let writer = try store.writer("ns", ref: "upload-1", total: Int64(hello.count), expected: helloDigest)
        try writer.write(Array(hello[0..<5]))
        try writer.write(Array(hello[5...]))
        let digest = try store.commit("ns", writer, size: Int64(hello.count), expected: helloDigest, labels: ["a": "b"])
        #expect(digest == helloDigest)
        #expect(FileManager.default.fileExists(atPath: directory + "/content/blobs/sha256/" + digest.hex))
        #expect(store.statuses("ns").isEmpty, "the ingest is gone after commit")

        var read: [UInt8] = []
        try await store.read("ns", digest, offset: 7, size: 0) { _, bytes in read += bytes }
        #expect(read == Array(hello[7...]))
        #expect(try store.info("ns", digest).labels == ["a": "b"])
        #expect(try store.list("ns", filters: ["labels.a==b"]).map(\.digest) == [digest])
        #expect(try store.list("ns", filters: ["labels.a==c"]).isEmpty)
        #expect(try store.list("other", filters: []).isEmpty, "content is per namespace")

        var info = try store.info("ns", digest)
        info.labels = ["c": "d"]
        #expect(try store.update("ns", info, paths: ["labels.c"]).labels == ["a": "b", "c": "d"])

        try store.delete("ns", digest)
        #expect(!FileManager.default.fileExists(atPath: directory + "/content/blobs/sha256/" + digest.hex))
        #expect(throws: CtrError.self) { try store.info("ns", digest) }
    }

    @Test("a wrong digest or size fails the commit and publishes nothing")
    func verification() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try open()
        let wrong = Digest(sha256Hex: String(repeating: "a", count: 64))
        do {
            let writer = try store.writer("ns", ref: "bad", total: 0, expected: nil)
            try writer.write(hello)
            _ = try store.commit("ns", writer, size: 0, expected: wrong, labels: [:])
            Issue.record("commit should fail")
        } catch {
            #expect(error.code == .failedPrecondition)
            #expect(error.message.contains("unexpected commit digest \(helloDigest), expected \(wrong)"))
        }
        do {
            let writer = try store.writer("ns", ref: "short", total: 100, expected: nil)
            try writer.write(hello)
            _ = try store.commit("ns", writer, size: 100, expected: nil, labels: [:])
            Issue.record("commit should fail")
        } catch {
            #expect(error.message.contains("unexpected commit size \(hello.count), expected 100"))
        }
        let blobs = try FileManager.default.contentsOfDirectory(atPath: directory + "/content/blobs/sha256")
        #expect(blobs.isEmpty)
        #expect(try store.list("ns", filters: []).isEmpty)
    }

    @Test("an ingest resumes at its offset, one writer per ref, abort removes it")
    func resumeLockAbort() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try open()
        do {
            let first = try store.writer("ns", ref: "r", total: Int64(hello.count), expected: nil)
            try first.write(Array(hello[0..<4]))
            do {
                _ = try store.writer("ns", ref: "r", total: 0, expected: nil)
                Issue.record("second writer should be refused")
            } catch {
                #expect(error.code == .unavailable)
            }
            _ = try store.writer("other-ns", ref: "r", total: 0, expected: nil)
        }
        #expect(try store.status("ns", ref: "r").offset == 4)
        #expect(try store.status("ns", ref: "r").total == Int64(hello.count))
        let resumed = try store.writer("ns", ref: "r", total: 0, expected: nil)
        #expect(resumed.offset == 4)
        try resumed.write(Array(hello[4...]))
        #expect(try store.commit("ns", resumed, size: 0, expected: nil, labels: [:]) == helloDigest)

        let abandoned = try store.writer("ns", ref: "gone", total: 0, expected: nil)
        try abandoned.write(hello)
        _ = consume abandoned
        try store.abort("ns", ref: "gone")
        #expect(throws: CtrError.self) { try store.status("ns", ref: "gone") }
        #expect(throws: CtrError.self) { try store.abort("ns", ref: "gone") }
    }

    @Test("a blob shared by two namespaces stays until the last one deletes it")
    func sharedBlob() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try open()
        for namespace in ["a", "b"] {
            let writer = try store.writer(namespace, ref: "x", total: 0, expected: nil)
            try writer.write(hello)
            _ = try store.commit(namespace, writer, size: 0, expected: helloDigest, labels: [:])
        }
        let path = directory + "/content/blobs/sha256/" + helloDigest.hex
        try store.delete("a", helloDigest)
        #expect(FileManager.default.fileExists(atPath: path))
        try store.delete("b", helloDigest)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(throws: CtrError.self) { try store.info("b", helloDigest) }
        // Deleted content can be written again: committed, listed and read back whole.
        let writer = try store.writer("a", ref: "y", total: 0, expected: helloDigest)
        try writer.write(hello)
        _ = try store.commit("a", writer, size: Int64(hello.count), expected: helloDigest, labels: [:])
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try store.info("a", helloDigest).size == Int64(hello.count))
        var read: [UInt8] = []
        try await store.read("a", helloDigest, offset: 0, size: 0) { _, bytes in read += bytes }
        #expect(read == hello)
    }
}
