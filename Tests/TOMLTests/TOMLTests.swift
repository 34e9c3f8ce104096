import Testing
@testable import TOML

/// Parses `text`, returning the error it throws (or `nil` if it parses).
private func parseError(_ text: String) -> TOMLError? {
    do {
        _ = try TOML.parse(text)
        return nil
    } catch {
        return error
    }
}

@Suite("TOML parser")
struct TOMLParserTests {
    @Test func commentsAndBlankLines() throws {
        let t = try TOML.parse("""
            # leading comment

            a = 1 # trailing comment
            \t# indented comment
            b = "# not a comment"
            """)
        #expect(t.keys == ["a", "b"])
        #expect(t["a"] == .integer(1))
        #expect(t["b"] == .string("# not a comment"))
    }

    @Test func emptyDocument() throws {
        #expect(try TOML.parse("").isEmpty)
        #expect(try TOML.parse("\n\n# only a comment\n").isEmpty)
    }

    @Test func keys() throws {
        let t = try TOML.parse("""
            bare_key-1 = 1
            "quoted key" = 2
            'literal "key"' = 3
            a.b.c = 4
            "io.containerd.x".y = 5
            site . "google.com" = true
            "" = 6
            3.14 = "pi"
            """)
        #expect(t["bare_key-1"] == .integer(1))
        #expect(t["quoted key"] == .integer(2))
        #expect(t["literal \"key\""] == .integer(3))
        #expect(t.value(at: ["a", "b", "c"]) == .integer(4))
        #expect(t.value(at: ["io.containerd.x", "y"]) == .integer(5))
        #expect(t.value(at: "site", "google.com") == .bool(true))
        #expect(t[""] == .integer(6))
        #expect(t.value(at: ["3", "14"]) == .string("pi"))
    }

    @Test func dottedKeysExtendTheSameTable() throws {
        let t = try TOML.parse("""
            fruit.apple.color = "red"
            fruit.apple.taste.sweet = true
            fruit.orange = 2
            """)
        #expect(t.value(at: ["fruit", "apple", "color"]) == .string("red"))
        #expect(t.value(at: ["fruit", "apple", "taste", "sweet"]) == .bool(true))
        #expect(t.table(at: ["fruit"])?.keys == ["apple", "orange"])
    }

    @Test func basicStringEscapes() throws {
        let t = try TOML.parse(#"s = "a\tb\nc\"d\\e\bf\fg\rh\u00E9\U0001F600""#)
        #expect(t["s"] == .string("a\tb\nc\"d\\e\u{08}f\u{0C}g\rh\u{E9}\u{1F600}"))
    }

    @Test func literalStrings() throws {
        let t = try TOML.parse(#"path = 'C:\Users\nodejs\templates'"#)
        #expect(t["path"] == .string(#"C:\Users\nodejs\templates"#))
    }

    @Test func multilineBasicString() throws {
        let t = try TOML.parse("""
            a = \"\"\"
            Roses are red
            Violets are blue\"\"\"
            b = \"\"\"The quick brown \\
                fox jumps over \\

                the lazy dog.\"\"\"
            c = \"\"\"two quotes at the end: ""\"\"\"
            d = \"\"\"tab\\there\"\"\"
            """)
        #expect(t["a"] == .string("Roses are red\nViolets are blue"))
        #expect(t["b"] == .string("The quick brown fox jumps over the lazy dog."))
        #expect(t["c"] == .string("two quotes at the end: \"\""))
        #expect(t["d"] == .string("tab\there"))
    }

    @Test func multilineLiteralString() throws {
        let t = try TOML.parse("""
            regex = '''I [dw]on't need \\d{2} apples'''
            lines = '''
            The first newline is
            trimmed in raw strings.
            '''
            """)
        #expect(t["regex"] == .string(#"I [dw]on't need \d{2} apples"#))
        #expect(t["lines"] == .string("The first newline is\ntrimmed in raw strings.\n"))
    }

    @Test func crlfLineEndings() throws {
        let t = try TOML.parse("a = 1\r\nb = \"\"\"x\r\ny\"\"\"\r\n[t]\r\nc = 2\r\n")
        #expect(t["a"] == .integer(1))
        #expect(t["b"] == .string("x\ny"))
        #expect(t.value(at: ["t", "c"]) == .integer(2))
    }

    @Test func integers() throws {
        let t = try TOML.parse("""
            a = 99
            b = +42
            c = 0
            d = -17
            e = 1_000_000
            f = 0xDEAD_beef
            g = 0o755
            h = 0b1101_0110
            i = 9223372036854775807
            j = -9223372036854775808
            k = -0
            """)
        #expect(t["a"] == .integer(99))
        #expect(t["b"] == .integer(42))
        #expect(t["c"] == .integer(0))
        #expect(t["d"] == .integer(-17))
        #expect(t["e"] == .integer(1_000_000))
        #expect(t["f"] == .integer(0xDEAD_BEEF))
        #expect(t["g"] == .integer(0o755))
        #expect(t["h"] == .integer(0b1101_0110))
        #expect(t["i"] == .integer(Int64.max))
        #expect(t["j"] == .integer(Int64.min))
        #expect(t["k"] == .integer(0))
    }

    @Test func floats() throws {
        let t = try TOML.parse("""
            a = 1.0
            b = 3.1415
            c = -0.01
            d = 5e+22
            e = 1e06
            f = -2E-2
            g = 6.626e-34
            h = 224_617.445_991
            i = inf
            j = -inf
            k = nan
            l = +0.0
            m = 0.02
            """)
        #expect(t["a"] == .float(1.0))
        #expect(t["b"] == .float(3.1415))
        #expect(t["c"] == .float(-0.01))
        #expect(t["d"] == .float(5e22))
        #expect(t["e"] == .float(1e6))
        #expect(t["f"] == .float(-2e-2))
        #expect(t["g"] == .float(6.626e-34))
        #expect(t["h"] == .float(224_617.445_991))
        #expect(t["i"] == .float(.infinity))
        #expect(t["j"] == .float(-.infinity))
        #expect(t["k"]?.doubleValue?.isNaN == true)
        #expect(t["l"] == .float(0))
        #expect(t["m"] == .float(0.02))
    }

    @Test func booleans() throws {
        let t = try TOML.parse("yes = true\nno = false")
        #expect(t["yes"] == .bool(true))
        #expect(t["no"]?.boolValue == false)
    }

    @Test func dateTimes() throws {
        let t = try TOML.parse("""
            odt1 = 1979-05-27T07:32:00Z
            odt2 = 1979-05-27T00:32:00-07:00
            odt3 = 1979-05-27T00:32:00.999999+07:00
            odt4 = 1979-05-27 07:32:00Z
            ldt = 1979-05-27T07:32:00
            ld = 1979-05-27
            lt = 00:32:00.999999
            leap = 2024-02-29
            """)
        #expect(t["odt1"] == .datetime("1979-05-27T07:32:00Z"))
        #expect(t["odt2"] == .datetime("1979-05-27T00:32:00-07:00"))
        #expect(t["odt3"] == .datetime("1979-05-27T00:32:00.999999+07:00"))
        #expect(t["odt4"] == .datetime("1979-05-27 07:32:00Z"))
        #expect(t["ldt"] == .datetime("1979-05-27T07:32:00"))
        #expect(t["ld"] == .datetime("1979-05-27"))
        #expect(t["lt"] == .datetime("00:32:00.999999"))
        #expect(t["leap"]?.datetimeValue == "2024-02-29")
    }

    @Test func arrays() throws {
        let t = try TOML.parse("""
            empty = []
            ints = [1, 2, 3]
            strings = ["a", 'b', \"\"\"c\"\"\"]
            nested = [[1, 2], ["x"]]
            mixed = [1, "two", 3.0, true, { k = "v" }]
            multi = [
              "one",   # comment after element
              # comment line
              "two",
            ]
            """)
        #expect(t["empty"] == .array([]))
        #expect(t["ints"] == .array([.integer(1), .integer(2), .integer(3)]))
        #expect(t["strings"]?.stringArrayValue == ["a", "b", "c"])
        #expect(t["nested"] == .array([.array([.integer(1), .integer(2)]), .array([.string("x")])]))
        var inline = TOMLTable()
        inline["k"] = .string("v")
        #expect(t["mixed"] == .array([.integer(1), .string("two"), .float(3), .bool(true), .table(inline)]))
        #expect(t["multi"]?.stringArrayValue == ["one", "two"])
    }

    @Test func inlineTables() throws {
        let t = try TOML.parse("""
            name = { first = "Tom", last = "Preston-Werner" }
            point = {x=1,y=2}
            animal = { type.name = "pug", type.size = "small" }
            empty = {}
            nested = { a = { b = [1, { c = 2 }] } }
            """)
        #expect(t.value(at: ["name", "first"]) == .string("Tom"))
        #expect(t.value(at: ["name", "last"]) == .string("Preston-Werner"))
        #expect(t.table(at: ["point"])?.keys == ["x", "y"])
        #expect(t.value(at: ["animal", "type", "name"]) == .string("pug"))
        #expect(t.value(at: ["animal", "type", "size"]) == .string("small"))
        #expect(t["empty"] == .table(TOMLTable()))
        let b = t.value(at: ["nested", "a", "b"])?.arrayValue
        #expect(b?.count == 2)
        #expect(b?.last?.tableValue?["c"] == .integer(2))
    }

    @Test func tableHeaders() throws {
        let t = try TOML.parse("""
            top = 1
            [table-1]
            key1 = "some string"
            [ dog . "tater.man" ]
            type.name = "pug"
            [a.b.c]
            d = 1
            [a]
            e = 2
            [a.b.f]
            """)
        #expect(t.keys == ["top", "table-1", "dog", "a"])
        #expect(t.value(at: ["table-1", "key1"]) == .string("some string"))
        #expect(t.value(at: ["dog", "tater.man", "type", "name"]) == .string("pug"))
        #expect(t.value(at: ["a", "b", "c", "d"]) == .integer(1))
        #expect(t.value(at: ["a", "e"]) == .integer(2))
        #expect(t.value(at: ["a", "b", "f"]) == .table(TOMLTable()))
    }

    @Test func subTableOfDottedKeyTable() throws {
        let t = try TOML.parse("""
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """)
        #expect(t.value(at: ["fruit", "apple", "texture", "smooth"]) == .bool(true))
        #expect(t.value(at: ["fruit", "apple", "color"]) == .string("red"))
    }

    @Test func arrayOfTables() throws {
        let t = try TOML.parse("""
            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"
            [[fruits]]
            name = "banana"
            [[fruits.varieties]]
            name = "plantain"
            """)
        let fruits = try #require(t["fruits"]?.arrayValue)
        #expect(fruits.count == 2)
        let apple = try #require(fruits.first?.tableValue)
        #expect(apple["name"] == .string("apple"))
        #expect(apple.value(at: ["physical", "color"]) == .string("red"))
        #expect(apple["varieties"]?.arrayValue?.count == 2)
        let banana = try #require(fruits.last?.tableValue)
        #expect(banana["name"] == .string("banana"))
        #expect(banana.value(at: ["varieties"])?.arrayValue?.first?.tableValue?["name"] == .string("plantain"))
    }

    @Test func containerdConfigFragment() throws {
        let t = try TOML.parse("""
            version = 2
            root = "/var/lib/containerd"
            state = "/run/containerd"
            disabled_plugins = []
            required_plugins = []
            oom_score = 0
            [grpc]
              address = "/run/containerd/containerd.sock"
              uid = 0
              max_recv_message_size = 16777216
            [plugins]
              [plugins."io.containerd.grpc.v1.cri"]
                sandbox_image = "registry.k8s.io/pause:3.6"
                [plugins."io.containerd.grpc.v1.cri".cni]
                  bin_dir = "/opt/cni/bin"
                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                  SystemdCgroup = false
            """)
        #expect(t["version"] == .integer(2))
        #expect(t["root"] == .string("/var/lib/containerd"))
        #expect(t["state"] == .string("/run/containerd"))
        #expect(t["disabled_plugins"] == .array([]))
        #expect(t["required_plugins"] == .array([]))
        #expect(t["oom_score"] == .integer(0))
        #expect(t.value(at: ["grpc", "address"]) == .string("/run/containerd/containerd.sock"))
        #expect(t.value(at: ["grpc", "uid"])?.integerValue == 0)
        #expect(t.value(at: ["grpc", "max_recv_message_size"]) == .integer(16_777_216))
        let cri = try #require(t.table(at: ["plugins", "io.containerd.grpc.v1.cri"]))
        #expect(cri["sandbox_image"] == .string("registry.k8s.io/pause:3.6"))
        #expect(cri.value(at: ["cni", "bin_dir"]) == .string("/opt/cni/bin"))
        #expect(cri.value(at: ["containerd", "runtimes", "runc", "options", "SystemdCgroup"]) == .bool(false))
        #expect(t.keys == ["version", "root", "state", "disabled_plugins", "required_plugins", "oom_score", "grpc", "plugins"])
    }

    @Test func tableSubscriptSetAndRemove() {
        var t = TOMLTable()
        t["b"] = .integer(1)
        t["a"] = .integer(2)
        t["b"] = .integer(3)
        #expect(t.keys == ["b", "a"])
        #expect(t["b"] == .integer(3))
        t["b"] = nil
        #expect(t.keys == ["a"])
        #expect(t["b"] == nil)
        #expect(t.value(at: []) == .table(t))
    }

    @Test func tableEqualityIgnoresOrder() {
        var x = TOMLTable()
        x["a"] = .integer(1)
        x["b"] = .integer(2)
        var y = TOMLTable()
        y["b"] = .integer(2)
        y["a"] = .integer(1)
        #expect(x == y)
        y["a"] = .integer(3)
        #expect(x != y)
    }
}

@Suite("TOML errors")
struct TOMLErrorTests {
    /// Expects `text` to fail on `line` with a reason containing `fragment`.
    private func expectError(
        _ text: String, line: Int, _ fragment: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let error = parseError(text)
        #expect(error?.line == line, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(error?.reason.contains(fragment) == true, "\(String(describing: error))", sourceLocation: sourceLocation)
    }

    @Test func duplicateKey() throws {
        expectError("a = 1\nb = 2\na = 3", line: 3, #"duplicate key "a""#)
        expectError("[t]\nx = 1\nx = 2", line: 3, #"duplicate key "x""#)
        expectError("a.b = 1\na.b = 2", line: 2, #"duplicate key "a.b""#)
        expectError("p = { x = 1, x = 2 }", line: 1, #"duplicate key "x""#)
        let error = try #require(parseError("a = 1\na = 2"))
        #expect(error == TOMLError(line: 2, column: 1, reason: #"duplicate key "a""#))
        #expect(error.description == #"line 2, column 1: duplicate key "a""#)
    }

    @Test func redefinedTable() {
        expectError("[a]\nx = 1\n[b]\n[a]", line: 4, #"table "a" is already defined"#)
        expectError("[a]\nb.c = 1\n[a.b]", line: 3, #"table "a.b" is already defined"#)
        expectError("a = 1\n[a]", line: 2, #"duplicate key "a""#)
        expectError("a = {}\n[a.b]", line: 2, #"key "a" is not a table"#)
        expectError("[a.b]\nc = 1\n[a]\nb.d = 2", line: 4, "cannot redefine table")
        expectError("[[a]]\n[a]", line: 2, "already defined as an array of tables")
        expectError("a = []\n[[a]]", line: 2, #"cannot append to static array "a""#)
        expectError("[a]\n[[a]]", line: 2, #"table "a" is already defined"#)
        expectError("t = { a = 1 }\nt.b = 2", line: 2, #"key "t" is not a table"#)
    }

    @Test func unterminatedStrings() {
        expectError("a = 1\nb = \"abc", line: 2, "unterminated string")
        expectError("a = 'abc", line: 1, "unterminated string")
        expectError("a = 1\nb = \"\"\"abc\n\ndef", line: 2, "unterminated multi-line string")
        expectError("a = '''abc", line: 1, "unterminated multi-line string")
    }

    @Test func newlineInSingleLineString() {
        expectError("a = \"abc\ndef\"", line: 1, "newline in basic string")
        expectError("x = 0\na = 'abc\ndef'", line: 2, "newline in literal string")
    }

    @Test func invalidEscapes() {
        expectError("a = 1\nb = \"\\q\"", line: 2, #"invalid escape sequence "\q""#)
        expectError(#"a = "\u12""#, line: 1, "invalid unicode escape")
        expectError(#"a = "\uD800""#, line: 1, "invalid unicode escape")
        expectError("a = \"\"\"\\x\"\"\"", line: 1, "invalid escape sequence")
    }

    @Test func badNumbers() {
        expectError("a = 1\nb = 01", line: 2, #"invalid number "01""#)
        expectError("a = 1__0", line: 1, "invalid number")
        expectError("a = _1", line: 1, "invalid value")
        expectError("a = 1_", line: 1, "invalid number")
        expectError("a = 1.", line: 1, "invalid number")
        expectError("a = .5", line: 1, "invalid number")
        expectError("a = 1e", line: 1, "invalid number")
        expectError("a = +0x10", line: 1, "invalid number")
        expectError("a = 0xG", line: 1, "invalid number")
        expectError("a = 9223372036854775808", line: 1, "invalid number")
        expectError("a = 1.2.3", line: 1, "invalid number")
    }

    @Test func badValues() {
        expectError("a = yes", line: 1, #"invalid value "yes""#)
        expectError("a = 1979-13-01", line: 1, "invalid date-time")
        expectError("a = 1979-02-30", line: 1, "invalid date-time")
        expectError("a = 25:00:00", line: 1, "invalid date-time")
        expectError("a =\nb = 1", line: 1, "missing value")
        expectError("a = ", line: 1, "missing value")
        expectError("a = @", line: 1, #"unexpected character "@""#)
    }

    @Test func missingEquals() {
        expectError("a = 1\nb 2", line: 2, #"missing "=" after key "b""#)
        expectError("key", line: 1, #"missing "=""#)
        expectError("a.b\n", line: 1, #"missing "=" after key "a.b""#)
    }

    @Test func unexpectedCharacters() {
        expectError("a = 1\n= 2", line: 2, #"unexpected character "=""#)
        expectError("[a]\n!x = 1", line: 2, #"unexpected character "!""#)
        expectError("[]", line: 1, #"unexpected character "]""#)
        expectError("a = 1\n\"\"\"k\"\"\" = 1", line: 2, "multi-line strings cannot be used as keys")
    }

    @Test func trailingGarbage() {
        expectError("a = 1\nb = 2 3", line: 2, #"unexpected character "3" after value"#)
        expectError("a = \"x\" y", line: 1, "after value")
        expectError("[a] b = 1", line: 1, "after table header")
        expectError("a = [1, 2] ]", line: 1, "after value")
    }

    @Test func arrayAndInlineTableErrors() {
        expectError("a = [1, 2", line: 1, "unterminated array")
        expectError("a = [1 2]", line: 1, #"expected "," or "]" in array"#)
        expectError("a = [1,,2]", line: 1, #"unexpected character ",""#)
        expectError("a = { x = 1", line: 1, "unterminated inline table")
        expectError("a = { x = 1,\n y = 2 }", line: 1, "newline in inline table")
        expectError("a = { x = 1, }", line: 1, "trailing comma in inline table")
        expectError("a = { x = 1 y = 2 }", line: 1, #"expected "," or "}" in inline table"#)
        expectError("[a\nb = 1", line: 1, #"expected "]""#)
        expectError("[[a]\n", line: 1, #"expected "]]""#)
    }

    @Test func controlCharacters() {
        expectError("a = \"x\u{01}y\"", line: 1, "control character U+0001")
        expectError("# bad \u{7F} comment\na = 1", line: 1, "control character U+007F in comment")
        expectError("a = 1\rb = 2", line: 1, "carriage return")
    }

    @Test func errorColumn() throws {
        let error = try #require(parseError("a = 1\n  b = 2 x"))
        #expect(error.line == 2)
        #expect(error.column == 9)
        let escape = try #require(parseError(#"s = "ab\q""#))
        #expect(escape.line == 1)
        #expect(escape.column == 8)
    }

    @Test func deepNestingIsRejected() {
        let text = "a = " + String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        expectError(text, line: 1, "nested too deeply")
    }
}

@Suite("TOML encoder")
struct TOMLEncoderTests {
    @Test func roundTrip() throws {
        var options = TOMLTable()
        options["SystemdCgroup"] = .bool(true)
        options["BinaryName"] = .string("")
        var runc = TOMLTable()
        runc["runtime_type"] = .string("io.containerd.runc.v2")
        runc["options"] = .table(options)
        var cri = TOMLTable()
        cri["runtimes"] = .table(["runc": .table(runc)])
        cri["sandbox_image"] = .string("registry.k8s.io/pause:3.6")
        var plugins = TOMLTable()
        plugins["io.containerd.grpc.v1.cri"] = .table(cri)
        plugins["empty"] = .table(TOMLTable())
        var root = TOMLTable()
        root["plugins"] = .table(plugins)
        root["version"] = .integer(2)
        root["quoted key"] = .string("tab\t\"quote\" back\\slash\nnewline \u{01} é 😀")
        root["floats"] = .array([.float(1.5), .float(-0.0), .float(1e300), .float(3), .float(.infinity)])
        root["ints"] = .array([.integer(Int64.min), .integer(Int64.max)])
        root["when"] = .datetime("1979-05-27T07:32:00Z")
        root["mixed"] = .array([.integer(1), .string("x"), .table(["k": .bool(false)]), .array([])])
        root["inline"] = .array([.table(["a": .integer(1)]), .string("not all tables")])
        root["servers"] = .array([
            .table(["name": .string("alpha"), "meta": .table(["ip": .string("10.0.0.1")])]),
            .table(["name": .string("beta"), "ports": .array([.integer(80), .integer(443)])]),
        ])
        root[""] = .string("empty key")

        let text = TOML.encode(root)
        let parsed = try TOML.parse(text)
        #expect(parsed == root, "\(text)")
    }

    @Test func encodesSectionsAfterKeys() {
        var cri = TOMLTable()
        cri["sandbox_image"] = .string("pause")
        var plugins = TOMLTable()
        plugins["io.containerd.grpc.v1.cri"] = .table(cri)
        var root = TOMLTable()
        root["plugins"] = .table(plugins)
        root["version"] = .integer(2)
        root["disabled_plugins"] = .array([])
        let expected = """
            version = 2
            disabled_plugins = []

            [plugins]

            [plugins."io.containerd.grpc.v1.cri"]
            sandbox_image = "pause"

            """
        #expect(TOML.encode(root) == expected)
    }

    @Test func encodesScalars() {
        #expect(TOMLEncoder.inline(.string("a\"b\\c\n")) == #""a\"b\\c\n""#)
        #expect(TOMLEncoder.inline(.string("\u{7F}")) == #""\u007F""#)
        #expect(TOMLEncoder.inline(.float(2)) == "2.0")
        #expect(TOMLEncoder.inline(.float(.nan)) == "nan")
        #expect(TOMLEncoder.inline(.float(-.infinity)) == "-inf")
        #expect(TOMLEncoder.inline(.array([.integer(1), .bool(true)])) == "[1, true]")
        #expect(TOMLEncoder.inline(.table(TOMLTable())) == "{}")
        #expect(TOMLEncoder.key("bare-key_1") == "bare-key_1")
        #expect(TOMLEncoder.key("a.b") == #""a.b""#)
        #expect(TOMLEncoder.key("") == #""""#)
    }

    @Test func parsedDocumentRoundTrips() throws {
        let source = """
            title = "example"
            [owner]
            dob = 1979-05-27T07:32:00-08:00
            [database]
            ports = [ 8000, 8001, 8002 ]
            temp_targets = { cpu = 79.5, case = 72.0 }
            [servers.alpha]
            ip = "10.0.0.1"
            [[products]]
            name = "Hammer"
            [[products]]
            [[products]]
            name = "Nail"
            color = "gray"
            """
        let parsed = try TOML.parse(source)
        #expect(try TOML.parse(TOML.encode(parsed)) == parsed)
    }
}
