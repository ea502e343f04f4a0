package import TailorCore

extension ProfileRow {
    /// What a profile whose ledger is unknown keeps in the column (any text that is not a JSON object).
    package static let unknownLedger = "unknown"

    /// `{"adds": {product: [[since, key, quantity, price, name?], …]}, "removals": {product: key}}`.
    package static func encode(_ ledger: CartLedger) -> JSONValue {
        var adds: JSONObject = [:]
        for (product, list) in ledger.adds {
            adds[product] = .array(list.map { a in
                var entry: [JSONValue] = [.string(encode(a.since)), .string(encode(a.key)), .number(a.quantity), .number(a.price)]
                if let name = a.name { entry.append(.string(name)) }
                return .array(entry)
            })
        }
        var removals: JSONObject = [:]
        for (product, key) in ledger.removals { removals[product] = .string(encode(key)) }
        return .object(["adds": .object(adds), "removals": .object(removals)])
    }

    /// The ledger of the JSON ``encode(_:)-(CartLedger)`` writes; nil for anything else (a `cart_clock` key
    /// left from before ledgers, read as unknown).
    package static func decodeLedger(_ text: String) throws -> CartLedger? {
        guard text.hasPrefix("{"), case .object(let o) = try JSONParser.parse(text) else { return nil }
        var ledger = CartLedger()
        for (product, value) in o["adds"]?.objectValue ?? [:] {
            var list: [CartLedger.Add] = []
            for item in value.arrayValue ?? [] {
                guard let e = item.arrayValue, e.count >= 4, let since = e[0].stringValue.flatMap(decodeKey),
                      let key = e[1].stringValue.flatMap(decodeKey), let quantity = e[2].doubleValue, let price = e[3].doubleValue else {
                    throw StoreError(.corruptRow, "profile cart ledger: an add is malformed")
                }
                list.append(.init(since: since, key: key, quantity: quantity, price: price, name: e.count > 4 ? e[4].stringValue : nil))
            }
            ledger.adds[product] = list
        }
        for (product, value) in o["removals"]?.objectValue ?? [:] {
            guard let key = value.stringValue.flatMap(decodeKey) else { throw StoreError(.corruptRow, "profile cart ledger: a removal is malformed") }
            ledger.removals[product] = key
        }
        return ledger
    }
}
