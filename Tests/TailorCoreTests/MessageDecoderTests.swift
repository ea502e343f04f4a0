import Foundation
import Testing
import TailorCore

@Suite("Message decoding")
struct MessageDecoderTests {
    let decoder = MessageDecoder()
    // After the timestamps the tests send: a message more than a day ahead of its receipt is clamped.
    let now = Date(millisecondsSince1970: 1_800_000_000_000)

    @Test func decodesATrackCall() throws {
        let json = try JSONParser.parse(#"""
            {"userId": 42, "event": "Order Completed", "properties": {"revenue": 12.5},
             "timestamp": "2024-05-01T12:30:00Z", "messageId": "m1", "context": {"ip": "1.2.3.4"}}
            """#)
        let m = try decoder.decode(json, type: .track, receivedAt: now)
        #expect(m.userId == "42")
        #expect(m.event == "Order Completed")
        #expect(m.properties["revenue"] == .number(12.5))
        #expect(m.timestamp.millisecondsSince1970 == 1_714_566_600_000)
        #expect(m.receivedAt == now)
        #expect(m.messageId == "m1")
    }

    @Test func defaultsTimestampAndMessageId() throws {
        let m = try decoder.decode(["anonymousId": "a1"], type: .page, receivedAt: now)
        #expect(m.timestamp == now)
        #expect(!m.messageId.isEmpty)
    }

    @Test(arguments: [
        (#"{"event":"x"}"#, "userId or anonymousId is required"),
        (#"{"userId":"u"}"#, "event: is required for track"),
        (#"{"userId":true,"event":"x"}"#, "userId: expected a string, got boolean"),
        (#"{"userId":"u","event":"x","properties":[]}"#, "properties: expected an object, got array"),
        (#"{"userId":"u","event":"x","timestamp":"soon"}"#, "timestamp: expected an ISO-8601 date-time"),
        (#"[1]"#, "expected an object, got array"),
    ])
    func rejectsBadTrack(body: String, message: String) throws {
        let json = try JSONParser.parse(body)
        #expect(throws: MessageDecoder.Error.self) { try decoder.decode(json, type: .track, receivedAt: now) }
        do { _ = try decoder.decode(json, type: .track, receivedAt: now) } catch { #expect(error.description == message) }
    }

    @Test("a timestamp more than a day ahead of receipt takes the received time and keeps the original; imports keep it")
    func futureTimestamps() throws {
        let far = try JSONParser.parse(#"{"userId":"u","event":"x","timestamp":"9999-12-31T23:59:59Z"}"#)
        let m = try decoder.decode(far, type: .track, receivedAt: now)
        #expect(m.timestamp == now)
        #expect(m.context["originalTimestamp"] == "9999-12-31T23:59:59Z")
        // Within the allowed skew (a client clock a little fast) the timestamp is kept.
        let soon = ISO8601.format(now.addingTimeInterval(23 * 3600))
        let near = try decoder.decode(try JSONParser.parse(#"{"userId":"u","event":"x","timestamp":"\#(soon)"}"#), type: .track, receivedAt: now)
        #expect(near.timestamp == now.addingTimeInterval(23 * 3600))
        #expect(near.context["originalTimestamp"] == nil)
        var limits = MessageDecoder.Limits()
        limits.maxFutureSkew = 60
        #expect(try MessageDecoder(limits: limits).decode(far, type: .track, receivedAt: now).timestamp == now)
        limits.maxFutureSkew = nil
        let kept = try MessageDecoder(limits: limits).decode(far, type: .track, receivedAt: now)
        #expect(ISO8601.format(kept.timestamp) == "9999-12-31T23:59:59.000Z")
        // An impossible time is refused whatever the limits.
        let impossible = try JSONParser.parse(#"{"userId":"u","event":"x","timestamp":"2024-05-01T12:00:00+99:99"}"#)
        #expect(throws: MessageDecoder.Error(path: "timestamp", reason: "expected an ISO-8601 date-time")) {
            try MessageDecoder(limits: limits).decode(impossible, type: .track, receivedAt: now)
        }
    }

    @Test func batchNamesTheOffendingItem() throws {
        let body = #"{"batch":[{"type":"track","userId":"u","event":"a"},{"type":"identify"},{"type":"nope","userId":"u"}]}"#
        let json = try JSONParser.parse(body)
        do {
            _ = try decoder.decodeBatch(json, bodyBytes: body.utf8.count, receivedAt: now)
            Issue.record("accepted a bad batch")
        } catch {
            #expect(error.index == 1)
            #expect(error.description == "batch[1]: userId or anonymousId is required")
        }
    }

    @Test func batchLimits() throws {
        var small = MessageDecoder.Limits()
        small.maxBatchCount = 2
        small.maxMessageBytes = 100
        let limited = MessageDecoder(limits: small)
        let three = try JSONParser.parse(#"{"batch":[{"type":"page","userId":"u"},{"type":"page","userId":"u"},{"type":"page","userId":"u"}]}"#)
        #expect(throws: MessageDecoder.Error.self) { try limited.decodeBatch(three, bodyBytes: 10, receivedAt: now) }
        let big: JSONValue = ["batch": [["type": "page", "userId": "u", "properties": ["x": .string(String(repeating: "a", count: 200))]]]]
        do {
            _ = try limited.decodeBatch(big, bodyBytes: JSONWriter.bytes(big).count, receivedAt: now)
            Issue.record("accepted an oversized message")
        } catch {
            #expect(error.path == "batch[0]")
            #expect(error.index == 0)
        }
        #expect(throws: MessageDecoder.Error.self) { try decoder.decodeBatch(["batch": []], bodyBytes: 600_000, receivedAt: now) }
    }

    @Test func batchContextIsInherited() throws {
        let json = try JSONParser.parse(#"{"batch":[{"type":"page","userId":"u","context":{"a":1}}],"context":{"a":0,"b":2}}"#)
        let ms = try decoder.decodeBatch(json, bodyBytes: 10, receivedAt: now)
        #expect(ms[0].context == ["a": 1, "b": 2])
    }

    @Test func aliasNeedsBothIds() throws {
        #expect(throws: MessageDecoder.Error.self) { try decoder.decode(["userId": "u"], type: .alias, receivedAt: now) }
        let m = try decoder.decode(["userId": "u", "previousId": "anon"], type: .alias, receivedAt: now)
        #expect(m.previousId == "anon")
    }
}

@Suite("Trait families")
struct TraitFamilyTests {
    @Test func classifiesBothSpellings() {
        #expect(TraitFamily.of("postal_code") == .geographic)
        #expect(TraitFamily.of("postalCode") == .geographic)
        #expect(TraitFamily.of("age") == .demographic)
        #expect(TraitFamily.of("interests") == .psychographic)
        #expect(TraitFamily.of("loyaltyTier") == .engagement)
        #expect(TraitFamily.of("favourite_color") == .custom)
        let grouped = TraitFamily.group(["city": "Paris", "age": 30, "x": 1])
        #expect(grouped[.geographic] == ["city": "Paris"])
        #expect(grouped[.demographic] == ["age": 30])
        #expect(grouped[.custom] == ["x": 1])
    }
}
