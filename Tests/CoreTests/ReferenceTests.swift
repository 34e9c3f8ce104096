import Core
import Testing

@Suite("Image references")
struct ReferenceTests {
    @Test("normalization", arguments: [
        ("busybox", "docker.io/library/busybox:latest"),
        ("busybox:1.36", "docker.io/library/busybox:1.36"),
        ("user/app", "docker.io/user/app:latest"),
        ("docker.io/busybox", "docker.io/library/busybox:latest"),
        ("index.docker.io/library/busybox:1", "docker.io/library/busybox:1"),
        ("127.0.0.1:5000/busybox", "127.0.0.1:5000/busybox:latest"),
        ("localhost/a/b:v1", "localhost/a/b:v1"),
        ("registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.9"),
        ("ghcr.io/o/r@sha256:" + String(repeating: "a", count: 64),
         "ghcr.io/o/r@sha256:" + String(repeating: "a", count: 64)),
        ("quay.io/o/r:t@sha256:" + String(repeating: "b", count: 64),
         "quay.io/o/r:t@sha256:" + String(repeating: "b", count: 64)),
    ])
    func normalize(input: String, expected: String) throws {
        #expect(try Reference(parsing: input).description == expected)
    }

    @Test("parts")
    func parts() throws {
        let reference = try Reference(parsing: "127.0.0.1:5000/team/app:v2")
        #expect(reference.domain == "127.0.0.1:5000")
        #expect(reference.path == "team/app")
        #expect(reference.tag == "v2")
        #expect(reference.object == "v2")
    }

    @Test("invalid references name the reference and the cause", arguments: [
        ("", "must not be empty"), ("Busybox", "must be lowercase"), ("a//b", "empty path component"),
        ("busybox:", "invalid tag"), ("busybox:-x", "invalid tag"), ("busybox@sha256:12", "invalid digest"),
        ("-lead/x", "invalid path component"),
    ])
    func invalid(input: String, reason: String) {
        #expect {
            _ = try Reference(parsing: input)
        } throws: { error in
            (error as? CtrError)?.code == .invalidArgument && "\(error)".contains(reason)
        }
    }
}
