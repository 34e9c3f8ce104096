import Core
import Foundation
@testable import Registry
import Testing
import TestSupport

/// containerd's registry hosts directory (`config_path`): which endpoints a pull tries, in which
/// order, with which capabilities and TLS settings.
@Suite("Registry hosts directory")
struct RegistryHostsTests {
    func withHosts(_ files: [String: String], _ body: (RegistryHosts, String) throws -> Void) throws {
        let directory = try TemporaryDirectory("ctr-hosts")
        defer { directory.remove() }
        for (domain, text) in files {
            try FileManager.default.createDirectory(atPath: directory.path + "/" + domain, withIntermediateDirectories: true)
            try text.write(toFile: directory.path + "/\(domain)/hosts.toml", atomically: false, encoding: .utf8)
        }
        try body(RegistryHosts(directory: directory.path), directory.path)
    }

    @Test("mirrors in file order, then the server; capabilities, skip_verify and ca per host; a /v2 suffix dropped")
    func endpoints() throws {
        try withHosts(["registry.example": """
            server = "https://registry.example/v2/"

            [host."https://mirror-b.example"]
              capabilities = ["pull"]

            [host."http://mirror-a.example:5000/v2"]
              capabilities = ["pull", "resolve"]
              skip_verify = true
              ca = "/etc/ctr/mirror-a.pem"
            """]) { hosts, _ throws in
            let endpoints = try #require(try hosts.endpoints(for: "registry.example"))
            #expect(endpoints.map(\.base) == ["https://mirror-b.example", "http://mirror-a.example:5000", "https://registry.example"])
            #expect(endpoints.map(\.capabilities) == [["pull"], ["pull", "resolve"], ["pull", "resolve", "push"]])
            #expect(endpoints.map(\.skipVerify) == [false, true, false])
            #expect(endpoints.map(\.ca) == [[], ["/etc/ctr/mirror-a.pem"], []])
        }
    }

    @Test("_default serves registries without a file of their own; nothing at all means no configuration")
    func defaults() throws {
        try withHosts(["_default": #"server = "https://fallback.example""#]) { hosts, _ throws in
            #expect(try hosts.endpoints(for: "other.example")?.map(\.base) == ["https://fallback.example"])
        }
        try withHosts([:]) { hosts, _ throws in
            #expect(try hosts.endpoints(for: "other.example") == nil)
        }
    }

    @Test("a bad file fails naming the file and the cause", arguments: [
        ("server = ", "registry hosts"),
        (#"host = "not a table""#, #""host" must be a table of hosts"#),
        (#"[host."mirror.example"]"#, #""mirror.example" must start with http:// or https://"#),
        ("host = { a = 1 }", #"host "a" must be a table"#),
    ])
    func badFiles(text: String, cause: String) throws {
        try withHosts(["bad.example": text]) { hosts, directory throws in
            let error = #expect(throws: CtrError.self) { try hosts.endpoints(for: "bad.example") }
            #expect(error?.message.hasPrefix("registry hosts \(directory)/bad.example/hosts.toml: ") == true,
                    "\(String(describing: error))")
            #expect(error?.message.contains(cause) == true, "\(String(describing: error))")
        }
    }
}
