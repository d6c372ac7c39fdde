import FieldRollCore
import Foundation
import Testing

@Suite("RFC 8785 canonical JSON")
struct CanonicalJSONTests {
    @Test(
        "numbers print as ECMAScript prints them",
        arguments: [
            (0.0, "0"), (-0.0, "0"), (1.0, "1"), (4.5, "4.5"), (0.002, "0.002"), (1e-7, "1e-7"), (0.000001, "0.000001"),
            (1e21, "1e+21"), (1e20, "100000000000000000000"), (123456789012345680000.0, "123456789012345680000"),
            (333333333.3333333, "333333333.3333333"), (-1.5e-9, "-1.5e-9"), (9007199254740992.0, "9007199254740992"),
            (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"), (116.397128, "116.397128"),
        ])
    func numbers(_ value: Double, _ expected: String) {
        #expect(CanonicalJSON.number(value) == expected)
    }

    @Test("strings use the minimal escapes and keep everything else literal")
    func strings() {
        let s = "€$\u{0F}\nA'B\"\\\"/王"
        #expect(CanonicalJSON.string(.string(s)) == "\"€$\\u000f\\nA'B\\\"\\\\\\\"/王\"")
    }

    @Test("object members sort by UTF-16 code units (RFC 8785 §3.2.3 example)")
    func keyOrder() {
        let keys = ["\u{20ac}", "\r", "\u{fb33}", "1", "\u{1F600}", "\u{80}", "\u{f6}"]
        let object = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, JSONValue.int(Int64($0))) }))
        let text = CanonicalJSON.string(object)
        #expect(text == "{\"\\r\":1,\"1\":3,\"\u{80}\":5,\"\u{f6}\":6,\"\u{20ac}\":0,\"\u{1F600}\":4,\"\u{fb33}\":2}")
    }

    @Test("the same value decoded from differently formatted JSON has the same canonical bytes")
    func reformatting() throws {
        let a = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"b": [1, 2.50, true, null], "a": {"y": "x", "x": 1e2}}"#.utf8))
        let b = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"a":{"x":100,"y":"x"},"b":[1,2.5,true,null]}"#.utf8))
        #expect(a.canonicalBytes == b.canonicalBytes)
        #expect(CanonicalJSON.string(a) == #"{"a":{"x":100,"y":"x"},"b":[1,2.5,true,null]}"#)
    }
}

@Suite("The JSON parser")
struct JSONParserTests {
    @Test("parses what JSONDecoder parses, to the same value")
    func agrees() throws {
        let text = #"{"a":[1,-2.5,1e2,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"],"b":{"c":{}},"d":[],"e":"王"}"#
        #expect(try JSONValue(parsing: Array(text.utf8)) == JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)))
    }

    @Test(
        "refuses what RFC 8259 refuses",
        arguments: [
            "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "tru", "\"\\x\"", "\"\u{01}\"", "{\"a\":1,\"a\":2}", "[1] 2", "\"\\ud800\"",
            "NaN",
            String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
        ])
    func refuses(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Array(text.utf8)) }
    }
}
