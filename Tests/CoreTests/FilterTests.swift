import Core
import Testing

@Suite("containerd filters")
struct FilterTests {
    let fields: [String: String] = ["type": "io.containerd.grpc.v1", "id": "cri", "labels.a.b": "x y"]

    func match(_ filters: [String]) throws -> Bool {
        let parsed = try Filter.parseAll(filters)
        return Filter.any(parsed) { path in fields[path.joined(separator: ".")] }
    }

    @Test("operators, conjunction and alternatives", arguments: [
        (["type==io.containerd.grpc.v1"], true),
        (["type==io.containerd.grpc.v1,id==cri"], true),
        (["type==io.containerd.grpc.v1,id==version"], false),
        (["id==version", "id==cri"], true),
        (["id!=cri"], false),
        (["id~=^c.i$"], true),
        (["id~=^x"], false),
        (["type"], true),
        (["missing"], false),
        (["labels.\"a.b\"==\"x y\""], true),
        ([], true),
    ])
    func matches(filters: [String], expected: Bool) throws {
        #expect(try match(filters) == expected)
    }

    @Test("malformed filters are invalid arguments naming the filter", arguments: ["id==\"open", "==x", "id==a,"])
    func malformed(filter: String) {
        #expect {
            _ = try Filter.parse(filter)
        } throws: { error in
            (error as? CtrError)?.code == .invalidArgument && "\(error)".contains(filter)
        }
    }
}

@Suite("JSON")
struct JSONTests {
    @Test("parse and serialize round trip, keeping key order")
    func roundTrip() throws {
        let text = #"{"b":1,"a":[true,null,-2.5,"x\n\u00e9\ud83d\ude00"],"c":{}}"#
        let value = try JSONValue.parse(text)
        #expect(value["b"] == .integer(1))
        #expect(value["a"] == .array([.bool(true), .null, .number(-2.5), .string("x\né😀")]))
        #expect(try JSONValue.parse(value.serialized()) == value)
        #expect(value.serialized(indent: 0).hasPrefix(#"{"b":1,"a":"#))
    }

    @Test("malformed documents are invalid arguments", arguments: ["{", "[1,]", "\"open", "{\"a\" 1}", "tru", "1 2"])
    func malformed(text: String) {
        #expect(throws: CtrError.self) { _ = try JSONValue.parse(text) }
    }
}
