import Core
import Foundation
import Store
import Testing
import TestSupport

@Suite("Metadata store: namespaces")
struct MetadataStoreTests {
    let directory = temporaryPath("ctr-store")

    func open() throws -> MetadataStore {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try MetadataStore(path: directory + "/meta.db")
    }

    @Test("create, get, list, update labels, delete")
    func lifecycle() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try open()
        try store.createNamespace(Namespace(name: "team-a", labels: ["owner": "ops"]))
        try store.createNamespace(Namespace(name: "b"))
        #expect(try store.namespace("team-a").labels == ["owner": "ops"])
        #expect(try store.namespaces().map(\.name) == ["b", "team-a"])

        let updated = try store.updateNamespace(Namespace(name: "team-a", labels: ["tier": "1"]),
                                                paths: ["labels.tier", "labels.owner"])
        #expect(updated.labels == ["tier": "1"])
        let merged = try store.updateNamespace(Namespace(name: "team-a", labels: ["x": "y"]), paths: ["labels.x"])
        #expect(merged.labels == ["tier": "1", "x": "y"])

        try store.deleteNamespace("b")
        #expect(try store.namespaces().map(\.name) == ["team-a"])
    }

    @Test("errors: duplicate, missing, invalid name, unknown update path")
    func errors() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try open()
        try store.createNamespace(Namespace(name: "a"))
        #expect(throws: CtrError.self) { try store.createNamespace(Namespace(name: "a")) }
        do {
            try store.createNamespace(Namespace(name: "a"))
        } catch {
            #expect(error.code == .alreadyExists)
            #expect(error.message == "namespace \"a\": already exists")
        }
        do {
            _ = try store.namespace("zz")
            Issue.record("expected not found")
        } catch {
            #expect(error.code == .notFound)
        }
        for bad in ["", "UPPER_ok-but..dots", "-lead", "a/b", String(repeating: "x", count: 77)] {
            do {
                try store.createNamespace(Namespace(name: bad))
                Issue.record("\(bad) should be invalid")
            } catch {
                #expect(error.code == .invalidArgument)
            }
        }
        do {
            _ = try store.updateNamespace(Namespace(name: "a"), paths: ["name"])
            Issue.record("expected invalid argument")
        } catch {
            #expect(error.code == .invalidArgument)
        }
    }

    @Test("a namespace that still holds objects cannot be deleted")
    func deleteNonEmpty() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try open()
        try store.createNamespace(Namespace(name: "busy"))
        try store.database.transaction { (conn) throws(CtrError) in
            try conn.query("""
                INSERT INTO images (namespace, name, media_type, digest, size, created_at, updated_at)
                VALUES ('busy', 'docker.io/library/busybox:latest', 'application/vnd.oci.image.index.v1+json',
                        'sha256:00', 1, 0, 0)
                """)
        }
        do {
            try store.deleteNamespace("busy")
            Issue.record("expected failed precondition")
        } catch {
            #expect(error.code == .failedPrecondition)
            #expect(error.message.contains("namespace \"busy\" must be empty"))
            #expect(error.message.contains("images"))
        }
        #expect(try store.namespaces().map(\.name) == ["busy"])
    }

    @Test("data survives reopening the database")
    func persistence() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let store = try open()
            try store.createNamespace(Namespace(name: "kept", labels: ["k": "v"]))
        }
        let reopened = try open()
        #expect(try reopened.namespace("kept").labels == ["k": "v"])
    }
}

extension MetadataStoreTests {
    @Test("lease IDs as containerd's clients generate them are accepted", arguments: ["44092679--NLw", "123-a_b-", "x"])
    func leaseIDs(id: String) throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try open()
        #expect(try store.createLease("ns", Lease(id: id, createdAt: .now)).id == id)
        #expect(throws: CtrError.self) { try store.createLease("ns", Lease(id: "", createdAt: .now)) }
    }
}
