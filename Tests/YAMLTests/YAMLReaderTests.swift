import Core
import Testing
import YAML

@Suite("YAML reader")
struct YAMLReaderTests {
    @Test("YAML reader: nesting, flow collections, quoting and the core schema")
    func yamlReader() throws {
        let text = """
            a: 1
            b: "two: 2"   # comment
            c: 'it''s'
            d: [x, "y, z", {k: v}, []]
            e:
              - - 1
                - 2
              - f: null
                g: ~
            h: -3.5
            i: folded
            j: >-
              one
              two

              three
            k: http://example.com/#anchor
            """
        let value = try YAMLReader.parse(text).json
        let expected = JSONValue.object([
            ("a", .integer(1)),
            ("b", .string("two: 2")),
            ("c", .string("it's")),
            ("d", .array([.string("x"), .string("y, z"), .object([("k", .string("v"))]), .array([])])),
            ("e", .array([.array([.integer(1), .integer(2)]), .object([("f", .null), ("g", .null)])])),
            ("h", .number(-3.5)),
            ("i", .string("folded")),
            ("j", .string("one two\nthree")),
            ("k", .string("http://example.com/#anchor")),
        ])
        #expect(value == expected)
    }
}
