import Foundation
import Testing
import TailorCore

@Suite("JSON")
struct JSONTests {
    @Test func parsesAndWritesRoundTrip() throws {
        let text = #"{"a":[1,2.5,-3e2,true,false,null],"b":{"c":"x\"y\\z\n\u00e9\ud83d\ude00"},"d":""}"#
        let value = try JSONParser.parse(text)
        #expect(value[path: "b.c"]?.stringValue == "x\"y\\z\né😀")
        #expect(value[path: "a"]?.arrayValue?[2] == .number(-300))
        let again = try JSONParser.parse(JSONWriter.string(value))
        #expect(again == value)
    }

    @Test func agreesWithFoundation() throws {
        let text = #"{"n":[0,1e-7,123456789012,3.14159,-0.5],"s":"tab\there","u":"Zürich"}"#
        let ours = try JSONParser.parse(text)
        let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let numbers = theirs["n"] as! [Double]
        #expect(ours[path: "n"]?.arrayValue?.compactMap(\.doubleValue) == numbers)
        #expect(ours[path: "s"]?.stringValue == theirs["s"] as? String)
        #expect(ours[path: "u"]?.stringValue == "Zürich")
    }

    @Test(arguments: [
        (#"{"a":1"#, "unexpected end of input in an object"),
        (#"{"a":01}"#, "expected ',' or '}' in an object"),
        (#"{"a":tru}"#, "invalid literal"),
        (#"[1,]"#, "unexpected character"),
        (#"{"a":"\x"}"#, "invalid escape"),
        (#"{"a":1} x"#, "unexpected data after the JSON value"),
        (#"{"a":"\ud800"}"#, "unpaired surrogate"),
        ("", "unexpected end of input"),
    ])
    func rejectsMalformed(input: String, reason: String) {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(input) }
        do {
            _ = try JSONParser.parse(input)
        } catch {
            #expect(error.reason == reason)
        }
    }

    @Test func rejectsInvalidUTF8WithPosition() {
        var bytes = Array(#"{"ok":1,"#.utf8)
        bytes += Array("\n\"bad\":\"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        do {
            _ = try JSONParser.parse(bytes)
            Issue.record("accepted invalid UTF-8")
        } catch {
            #expect(error.reason == "invalid UTF-8 in a string")
            #expect(error.line == 2)
        }
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deep) }
    }

    @Test func writerSortsKeysAndEscapesControls() {
        let v: JSONValue = ["b": 1, "a": "x\u{01}", "c": 2.5]
        #expect(JSONWriter.string(v) == #"{"a":"x\u0001","b":1,"c":2.5}"#)
    }
}

@Suite("ISO-8601")
struct ISO8601Tests {
    @Test(arguments: [
        ("2024-05-01T12:30:00Z", 1_714_566_600_000 as Int64),
        ("2024-05-01T12:30:00.123Z", 1_714_566_600_123),
        ("2024-05-01T12:30:00.123456+00:00", 1_714_566_600_123),
        ("2024-05-01T14:30:00+02:00", 1_714_566_600_000),
        ("2024-05-01T07:30:00-0500", 1_714_566_600_000),
        ("2024-05-01 12:30:00", 1_714_566_600_000),
        ("2024-05-01", 1_714_521_600_000),
        ("1969-12-31T23:59:59.5Z", -500),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000),
        ("2024-05-01T02:30:00+14:00", 1_714_480_200_000),
        ("2024-05-01T12:30:00+18:00", 1_714_501_800_000),
        ("0001-01-01", -62_135_596_800_000),
    ])
    func parses(text: String, ms: Int64) {
        #expect(ISO8601.parse(text)?.millisecondsSince1970 == ms)
    }

    @Test(arguments: ["", "2024-13-01", "2024-05-01T25:00:00Z", "yesterday", "2024-05-01T12:30:00Zjunk", "2024-05-01T12",
                      // Times no clock shows: year zero, days the month lacks, impossible offsets.
                      "0000-01-01T00:00:00Z", "2023-02-29T00:00:00Z", "2100-02-29", "2024-04-31", "2024-05-01T12:00:00+99:99",
                      "2024-05-01T12:00:00+18:01", "2024-05-01T12:00:00-23:59", "2024-05-01T12:00:00+05:60"])
    func rejects(text: String) {
        #expect(ISO8601.parse(text) == nil)
    }

    @Test func formatsAndParsesBack() {
        for ms in [0, 1_714_566_600_123, -86_400_001, 4_102_444_800_000] as [Int64] {
            let d = Date(millisecondsSince1970: ms)
            #expect(ISO8601.parse(ISO8601.format(d))?.millisecondsSince1970 == ms)
        }
        #expect(ISO8601.format(Date(millisecondsSince1970: 1_714_566_600_123)) == "2024-05-01T12:30:00.123Z")
    }
}
