/// Deterministic identifiers: message ids, order ids and anonymous ids, derived from the seed and counters.
///
/// Message and order ids are a bijective mix of `(customer << 24) | counter` keyed by the seed, written in
/// 13 base-32 digits behind a two-letter prefix: 15 bytes, so Swift keeps them inline (no allocation), and
/// never equal for two different counters of one shop.
enum DemoIdentifiers {
    private static let alphabet: [UInt8] = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func key(seed: UInt64, purpose: UInt64) -> UInt64 {
        SplitMix64.mix(seed ^ SplitMix64.mix(purpose &* 0x9E37_79B9_7F4A_7C15))
    }

    @inline(__always)
    static func id(prefix: (UInt8, UInt8), key: UInt64, customer: Int, counter: Int) -> String {
        let value = SplitMix64.mix((UInt64(customer) << 24 | UInt64(counter & 0xFF_FFFF)) &+ key)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 15) { buffer in
            buffer[0] = prefix.0
            buffer[1] = prefix.1
            var v = value
            for i in stride(from: 14, through: 2, by: -1) {
                buffer[i] = alphabet[Int(v & 31)]
                v >>= 5
            }
            return String(decoding: buffer, as: UTF8.self)
        }
    }

    /// A version-4-shaped UUID (lower case) for a customer's browser.
    static func anonymousId(seed: UInt64, customer: Int, device: Int) -> String {
        var sm = SplitMix64(state: key(seed: seed, purpose: 0xA404) ^ (UInt64(customer) << 8 | UInt64(device)))
        let hi = sm.next()
        let lo = sm.next()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        for i in 0..<32 {
            if i == 8 || i == 12 || i == 16 || i == 20 { bytes.append(UInt8(ascii: "-")) }
            var nibble = Int(((i < 16 ? hi : lo) >> UInt64(60 - (i % 16) * 4)) & 0xF)
            if i == 12 { nibble = 4 }
            if i == 16 { nibble = 8 | (nibble & 3) }
            bytes.append(hex[nibble])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
