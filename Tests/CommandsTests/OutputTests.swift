@testable import Commands
import Core
import Testing
import YAML

@Suite("Output rendering")
struct OutputTests {
    let listing = Listing(
        headers: ["NAME", "LABELS"],
        rows: [["default", ""], ["k8s.io", "a=b"]],
        document: .array([
            .object([("name", .string("default")), ("labels", .object([]))]),
            .object([("name", .string("k8s.io")), ("labels", .object([("a", .string("b"))]))]),
        ]))

    @Test("tables align columns")
    func table() {
        #expect(listing.render(.table) == "NAME      LABELS\ndefault\nk8s.io    a=b\n")
    }

    @Test("json keeps key order")
    func json() {
        #expect(listing.render(.json) == """
            [
              {
                "name": "default",
                "labels": {}
              },
              {
                "name": "k8s.io",
                "labels": {
                  "a": "b"
                }
              }
            ]

            """)
    }

    @Test("yaml is block style and quotes what needs quoting")
    func yaml() {
        #expect(listing.render(.yaml) == """
            - name: default
              labels: {}
            - name: k8s.io
              labels:
                a: b

            """)
        #expect(YAML.render(.object([("v", .string("true")), ("num", .string("1.5")), ("c", .string("a: b"))]))
                == "v: \"true\"\nnum: \"1.5\"\nc: \"a: b\"\n")
    }

    @Test("global options before the command words move after them", arguments: [
        (["-n", "x", "namespaces", "ls"], ["namespaces", "ls", "-n", "x"]),
        (["--address=/s", "--debug", "plugin", "ls", "-d"], ["plugin", "ls", "--address=/s", "--debug", "-d"]),
        (["version"], ["version"]),
        (["ns", "create", "a"], ["ns", "create", "a"]),
        (["cri", "-r", "/s", "version"], ["cri", "version", "-r", "/s"]),
        (["cri", "exec", "-i", "abc", "sh"], ["cri", "exec", "-i", "abc", "sh"]),
    ])
    func hoist(input: [String], expected: [String]) {
        #expect(GlobalOptions.hoist(input) == expected)
    }
}
