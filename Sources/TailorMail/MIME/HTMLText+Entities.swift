// MARK: - Character references (HTML §13.2.5.72–80, the parts mail needs)

extension HTMLText {
    enum Entities {
        /// Decodes the character reference at `index` (which holds `&`).
        /// - Parameters:
        ///   - inAttribute: in an attribute value a named reference always needs its `;` (so that
        ///     `?a=1&copy=2` in a URL stays as written).
        /// - Returns: the code point and how many bytes the reference takes, or `nil` when the `&` does
        ///   not start one (it is then a literal `&`). Numbers that are not characters give U+FFFD.
        static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int, inAttribute: Bool) -> (scalar: UInt32, length: Int)? {
            var position = index + 1
            guard position < end else { return nil }
            if bytes[position] == UInt8(ascii: "#") {
                return decodeNumber(bytes, at: index, end: end)
            }
            let nameStart = position
            while position < end && position - nameStart < longestName && isAlphanumeric(bytes[position]) { position += 1 }
            let length = position - nameStart
            guard length > 0, length <= longestName else { return nil }
            let key = packedName(bytes[nameStart..<position])
            if position < end && bytes[position] == UInt8(ascii: ";") {
                guard let scalar = named[key] else { return nil }
                return (scalar, length + 2)
            }
            // Without ";": only the legacy names, only in text, only when the name is not part of a longer word.
            guard !inAttribute, position >= end || !isAlphanumeric(bytes[position]), legacy.contains(key), let scalar = named[key] else {
                return nil
            }
            return (scalar, length + 1)
        }

        /// `&#NNN;` or `&#xHH;` (the `;` optional, as browsers read it).
        private static func decodeNumber(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> (scalar: UInt32, length: Int)? {
            var position = index + 2
            var hexadecimal = false
            if position < end && (bytes[position] | 0x20) == UInt8(ascii: "x") {
                hexadecimal = true
                position += 1
            }
            let digitsStart = position
            var value: UInt32 = 0
            while position < end {
                let byte = bytes[position]
                let digit: UInt32
                if byte &- 0x30 < 10 {
                    digit = UInt32(byte &- 0x30)
                } else if hexadecimal && (byte | 0x20) &- 0x61 < 6 {
                    digit = UInt32((byte | 0x20) &- 0x61 + 10)
                } else {
                    break
                }
                // Saturate above the largest code point; the digits are still consumed.
                value = min(value * (hexadecimal ? 16 : 10) + digit, 0x11_0000)
                position += 1
            }
            guard position > digitsStart else { return nil }
            if position < end && bytes[position] == UInt8(ascii: ";") { position += 1 }
            return (characterForNumber(value), position - index)
        }

        /// What a numeric reference means (HTML §13.2.5.80): Windows-1252 for 0x80–0x9F, U+FFFD for
        /// zero, surrogates and numbers beyond Unicode.
        static func characterForNumber(_ value: UInt32) -> UInt32 {
            switch value {
            case 0, 0xD800...0xDFFF, 0x11_0000...: return 0xFFFD
            case 0x80...0x9F: return windows1252[Int(value - 0x80)]
            default: return value
            }
        }

        private static func isAlphanumeric(_ byte: UInt8) -> Bool {
            byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26
        }

        /// A name of up to eight ASCII characters as an integer, first character in the low byte.
        private static func packedName(_ name: some Collection<UInt8>) -> UInt64 {
            var key: UInt64 = 0
            for (shift, byte) in name.enumerated() { key |= UInt64(byte) << (8 * shift) }
            return key
        }

        private static let longestName = 8

        private static let legacy: Set<UInt64> = Set(["amp", "lt", "gt", "quot", "nbsp", "copy", "reg"].map { packedName($0.utf8) })

        /// 0x80–0x9F read as Windows-1252; the five unassigned positions stay C1 controls.
        private static let windows1252: [UInt32] = [
            0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
            0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
        ]

        /// The named references of HTML 4.01 (all of at most eight characters) and XHTML's `&apos;`.
        private static let named: [UInt64: UInt32] = {
            var table: [UInt64: UInt32] = [:]
            // Latin-1, U+00A0 to U+00FF in order.
            let latin1 = """
                nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr \
                deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest \
                Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml \
                ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig \
                agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml \
                eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml
                """
            for (offset, name) in latin1.split(separator: " ").enumerated() { table[packedName(name.utf8)] = 0xA0 + UInt32(offset) }
            // Greek, in alphabet order (U+0391…U+03A9 without U+03A2, U+03B1…U+03C9).
            let greek = "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho Sigma Tau Upsilon Phi Chi Psi Omega"
            for (offset, name) in greek.split(separator: " ").enumerated() {
                let upper = 0x391 + UInt32(offset) + (offset >= 17 ? 1 : 0)
                table[packedName(name.utf8)] = upper
                table[packedName(name.lowercased().utf8)] = upper + 0x20
            }
            table[packedName("sigmaf".utf8)] = 0x3C2
            let others: [(String, UInt32)] = [
                ("quot", 0x22), ("amp", 0x26), ("apos", 0x27), ("lt", 0x3C), ("gt", 0x3E),
                ("OElig", 0x152), ("oelig", 0x153), ("Scaron", 0x160), ("scaron", 0x161), ("Yuml", 0x178), ("fnof", 0x192),
                ("circ", 0x2C6), ("tilde", 0x2DC), ("thetasym", 0x3D1), ("upsih", 0x3D2), ("piv", 0x3D6),
                ("ensp", 0x2002), ("emsp", 0x2003), ("thinsp", 0x2009), ("zwnj", 0x200C), ("zwj", 0x200D), ("lrm", 0x200E),
                ("rlm", 0x200F), ("ndash", 0x2013), ("mdash", 0x2014), ("lsquo", 0x2018), ("rsquo", 0x2019), ("sbquo", 0x201A),
                ("ldquo", 0x201C), ("rdquo", 0x201D), ("bdquo", 0x201E), ("dagger", 0x2020), ("Dagger", 0x2021), ("bull", 0x2022),
                ("hellip", 0x2026), ("permil", 0x2030), ("prime", 0x2032), ("Prime", 0x2033), ("lsaquo", 0x2039), ("rsaquo", 0x203A),
                ("oline", 0x203E), ("frasl", 0x2044), ("euro", 0x20AC), ("image", 0x2111), ("weierp", 0x2118), ("real", 0x211C),
                ("trade", 0x2122), ("alefsym", 0x2135), ("larr", 0x2190), ("uarr", 0x2191), ("rarr", 0x2192), ("darr", 0x2193),
                ("harr", 0x2194), ("crarr", 0x21B5), ("lArr", 0x21D0), ("uArr", 0x21D1), ("rArr", 0x21D2), ("dArr", 0x21D3),
                ("hArr", 0x21D4), ("forall", 0x2200), ("part", 0x2202), ("exist", 0x2203), ("empty", 0x2205), ("nabla", 0x2207),
                ("isin", 0x2208), ("notin", 0x2209), ("ni", 0x220B), ("prod", 0x220F), ("sum", 0x2211), ("minus", 0x2212),
                ("lowast", 0x2217), ("radic", 0x221A), ("prop", 0x221D), ("infin", 0x221E), ("ang", 0x2220), ("and", 0x2227),
                ("or", 0x2228), ("cap", 0x2229), ("cup", 0x222A), ("int", 0x222B), ("there4", 0x2234), ("sim", 0x223C),
                ("cong", 0x2245), ("asymp", 0x2248), ("ne", 0x2260), ("equiv", 0x2261), ("le", 0x2264), ("ge", 0x2265),
                ("sub", 0x2282), ("sup", 0x2283), ("nsub", 0x2284), ("sube", 0x2286), ("supe", 0x2287), ("oplus", 0x2295),
                ("otimes", 0x2297), ("perp", 0x22A5), ("sdot", 0x22C5), ("lceil", 0x2308), ("rceil", 0x2309), ("lfloor", 0x230A),
                ("rfloor", 0x230B), ("lang", 0x27E8), ("rang", 0x27E9), ("loz", 0x25CA), ("spades", 0x2660), ("clubs", 0x2663),
                ("hearts", 0x2665), ("diams", 0x2666),
            ]
            for (name, scalar) in others { table[packedName(name.utf8)] = scalar }
            return table
        }()
    }
}
