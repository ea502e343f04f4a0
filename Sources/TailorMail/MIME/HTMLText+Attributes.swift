// MARK: - Attribute values

extension HTMLText.Tokenizer {
    /// The value of the attribute called `name` (lower-case ASCII) in `range`, character references
    /// decoded; `nil` when the tag does not have it. Reads the attributes the way ``endOfTag(from:)``
    /// delimits them.
    func attribute(_ name: StaticString, in range: Range<Int>) -> [UInt8]? {
        let wanted = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        var index = range.lowerBound
        let end = range.upperBound
        while index < end {
            while index < end && (HTMLText.isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "/")) { index += 1 }
            guard index < end else { break }
            let nameStart = index
            index += 1  // a name may start with "="
            while index < end && !HTMLText.isSpace(bytes[index]) && bytes[index] != UInt8(ascii: "/") && bytes[index] != UInt8(ascii: "=") {
                index += 1
            }
            let nameEnd = index
            while index < end && HTMLText.isSpace(bytes[index]) { index += 1 }
            var value: Range<Int>?
            if index < end && bytes[index] == UInt8(ascii: "=") {
                index += 1
                while index < end && HTMLText.isSpace(bytes[index]) { index += 1 }
                if index < end && (bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'")) {
                    let quote = bytes[index]
                    let valueStart = index + 1
                    index = valueStart
                    while index < end && bytes[index] != quote { index += 1 }
                    value = valueStart..<index
                    index += 1
                } else {
                    let valueStart = index
                    while index < end && !HTMLText.isSpace(bytes[index]) { index += 1 }
                    value = valueStart..<index
                }
            }
            if nameEnd - nameStart == wanted.count && zip(bytes[nameStart..<nameEnd], wanted).allSatisfy({ ($0 &- 0x41 < 26 ? $0 | 0x20 : $0) == $1 })
            {
                return value.map(decodedAttribute) ?? []
            }
        }
        return nil
    }

    /// An attribute value with its character references decoded, as UTF-8.
    private func decodedAttribute(_ range: Range<Int>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] == UInt8(ascii: "&"),
                let (scalar, length) = HTMLText.Entities.decode(bytes, at: index, end: range.upperBound, inAttribute: true)
            {
                HTMLText.appendUTF8(scalar, to: &out)
                index += length
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }
}

extension HTMLText.Converter {
    /// What a link shows for `href`: the address of a `mailto:` link, the URL of other links
    /// (white space taken out as browsers do), nothing for anchors, scripts and data.
    static func shownTarget(_ href: [UInt8]) -> [UInt8]? {
        var url: [UInt8] = []
        url.reserveCapacity(href.count)
        for byte in href where byte != 0x09 && byte != 0x0A && byte != 0x0D { url.append(byte) }
        while let first = url.first, first <= 0x20 { url.removeFirst() }
        while let last = url.last, last <= 0x20 { url.removeLast() }
        guard let first = url.first, first != UInt8(ascii: "#") else { return nil }
        let lowered = url.prefix(11).map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
        if lowered.starts(with: "javascript:".utf8) || lowered.starts(with: "data:".utf8) { return nil }
        if lowered.starts(with: "mailto:".utf8) {
            let address = url.dropFirst(7).prefix { $0 != UInt8(ascii: "?") }
            return address.isEmpty ? nil : Array(address)
        }
        // A space inside a URL would let wrapping break it.
        var shown: [UInt8] = []
        shown.reserveCapacity(url.count)
        for byte in url {
            if byte == 0x20 { shown.append(contentsOf: "%20".utf8) } else { shown.append(byte) }
        }
        return shown
    }

    /// The integer a dimension or `start` attribute begins with (`"1"`, `"1px"`, `" 3 "`), or `nil`.
    static func leadingInteger(_ value: [UInt8]) -> Int? {
        var index = 0
        while index < value.count && HTMLText.isSpace(value[index]) { index += 1 }
        var negative = false
        if index < value.count && (value[index] == UInt8(ascii: "-") || value[index] == UInt8(ascii: "+")) {
            negative = value[index] == UInt8(ascii: "-")
            index += 1
        }
        var number = 0
        let digitsStart = index
        while index < value.count, value[index] &- 0x30 < 10, index - digitsStart < 9 {
            number = number * 10 + Int(value[index] &- 0x30)
            index += 1
        }
        guard index > digitsStart else { return nil }
        return negative ? -number : number
    }
}
