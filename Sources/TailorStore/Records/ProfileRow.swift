package import Foundation
package import TailorCore

/// A profile as both databases store it: plain traits and computed state in columns (so that segments
/// can query them), personal traits sealed in one encrypted column.
package struct ProfileRow: Sendable {
    package var id: String
    package var createdAt: Int64
    package var updatedAt: Int64
    package var traits: String
    package var personal: Data?
    package var traitStamps: String
    package var eventCount: Int64
    package var firstSeen: Int64?
    package var lastSeen: Int64?
    package var lastActivity: Int64?
    package var orderCount: Int64
    package var revenue: Double
    package var lastOrderAt: Int64?
    package var lastOrderValue: Double?
    package var lastOrderKey: String?
    package var emailOpens: Int64
    package var emailClicks: Int64
    package var cart: String
    package var cartValue: Double
    package var cartUpdatedAt: Int64?
    /// The JSON of the `CartLedger`: NULL when empty, not an object when unknown (a `cart_clock` key stored
    /// before ledgers were kept).
    package var cartLedger: String?

    package static let columns = [
        "id", "created_at", "updated_at", "traits", "personal", "trait_stamps", "event_count", "first_seen", "last_seen",
        "last_activity", "order_count", "revenue", "last_order_at", "last_order_value", "last_order_key", "email_opens",
        "email_clicks", "cart", "cart_value", "cart_updated_at", "cart_ledger",
    ]

    /// The row of an aggregate. With `includeTraits` false the trait columns are left empty (and must not
    /// be written): the state changed but the traits did not, so they need no encoding or sealing.
    package init(_ p: ProfileAggregate, updatedAt: Date, cipher: FieldCipher, policy: PersonalDataPolicy, includeTraits: Bool = true) throws {
        let s = p.state
        id = p.id.rawValue
        createdAt = p.createdAt.millisecondsSince1970
        self.updatedAt = updatedAt.millisecondsSince1970
        if includeTraits {
            let (plain, personal) = policy.split(p.traits.values)
            traits = JSONWriter.string(plain)
            self.personal = try cipher.sealJSON(personal)
            traitStamps = JSONWriter.string(p.traits.stampsJSON)
        } else {
            traits = ""
            self.personal = nil
            traitStamps = ""
        }
        eventCount = Int64(s.eventCount)
        firstSeen = s.firstSeen?.millisecondsSince1970
        lastSeen = s.lastSeen?.millisecondsSince1970
        lastActivity = s.lastActivity?.millisecondsSince1970
        orderCount = Int64(s.orderCount)
        revenue = s.revenue
        lastOrderAt = s.lastOrderAt?.millisecondsSince1970
        lastOrderValue = s.lastOrderValue
        lastOrderKey = s.lastOrderKey.map(Self.encode)
        emailOpens = Int64(s.emailOpens)
        emailClicks = Int64(s.emailClicks)
        cart = JSONWriter.string(.array(s.cart.values.sorted { $0.productId < $1.productId }.map(Self.encode)))
        cartValue = s.cartValue
        cartUpdatedAt = s.cartUpdatedAt?.millisecondsSince1970
        cartLedger = s.cartLedger.map { $0 == CartLedger() ? nil : JSONWriter.string(Self.encode($0)) } ?? Self.unknownLedger
    }

    package init(id: String, createdAt: Int64, updatedAt: Int64, traits: String, personal: Data?, traitStamps: String, eventCount: Int64,
         firstSeen: Int64?, lastSeen: Int64?, lastActivity: Int64?, orderCount: Int64, revenue: Double, lastOrderAt: Int64?,
         lastOrderValue: Double?, lastOrderKey: String?, emailOpens: Int64, emailClicks: Int64, cart: String, cartValue: Double,
         cartUpdatedAt: Int64?, cartLedger: String?) {
        self.id = id
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.traits = traits
        self.personal = personal
        self.traitStamps = traitStamps
        self.eventCount = eventCount
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.lastActivity = lastActivity
        self.orderCount = orderCount
        self.revenue = revenue
        self.lastOrderAt = lastOrderAt
        self.lastOrderValue = lastOrderValue
        self.lastOrderKey = lastOrderKey
        self.emailOpens = emailOpens
        self.emailClicks = emailClicks
        self.cart = cart
        self.cartValue = cartValue
        self.cartUpdatedAt = cartUpdatedAt
        self.cartLedger = cartLedger
    }

    package func plainTraits() throws -> JSONObject { try Self.object(traits) }

    package func aggregate(cipher: FieldCipher, identities: Set<Identity>) throws -> ProfileAggregate {
        var values = try Self.object(traits)
        for (k, v) in try cipher.openJSON(personal) { values[k] = v }
        let stamps = TraitSet.stamps(fromJSON: try Self.object(traitStamps))
        var s = ProfileState()
        s.eventCount = Int(eventCount)
        s.firstSeen = firstSeen.map(Date.init(millisecondsSince1970:))
        s.lastSeen = lastSeen.map(Date.init(millisecondsSince1970:))
        s.lastActivity = lastActivity.map(Date.init(millisecondsSince1970:))
        s.orderCount = Int(orderCount)
        s.revenue = revenue
        s.lastOrderAt = lastOrderAt.map(Date.init(millisecondsSince1970:))
        s.lastOrderValue = lastOrderValue
        s.lastOrderKey = lastOrderKey.flatMap(Self.decodeKey)
        s.emailOpens = Int(emailOpens)
        s.emailClicks = Int(emailClicks)
        s.cartUpdatedAt = cartUpdatedAt.map(Date.init(millisecondsSince1970:))
        guard case .array(let lines) = try JSONParser.parse(cart) else { throw StoreError(.corruptRow, "profile \(id): cart is not an array") }
        for line in lines {
            guard case .object(let o) = line, let pid = o["product_id"]?.stringValue else { continue }
            s.cart[pid] = CartLine(productId: pid, quantity: o["quantity"]?.doubleValue ?? 1, price: o["price"]?.doubleValue ?? 0,
                                   name: o["name"]?.stringValue)
        }
        // NULL: an empty ledger (none is written); text that is not a ledger: unknown.
        s.cartLedger = try cartLedger.map(Self.decodeLedger) ?? CartLedger()
        return ProfileAggregate(id: ProfileID(id), createdAt: Date(millisecondsSince1970: createdAt),
                                traits: TraitSet(values: values, stamps: stamps), state: s, identities: identities)
    }

    // MARK: - Encodings

    package static func encode(_ key: EventKey) -> String { "\(key.milliseconds)|\(key.messageId)" }

    package static func decodeKey(_ text: String) -> EventKey? {
        guard let bar = text.firstIndex(of: "|"), let ms = Int64(text[..<bar]) else { return nil }
        return EventKey(milliseconds: ms, messageId: String(text[text.index(after: bar)...]))
    }

    package static func encode(_ line: CartLine) -> JSONValue {
        var o: JSONObject = ["product_id": .string(line.productId), "quantity": .number(line.quantity), "price": .number(line.price)]
        if let name = line.name { o["name"] = .string(name) }
        return .object(o)
    }

    package static func object(_ text: String) throws -> JSONObject {
        guard case .object(let o) = try JSONParser.parse(text) else { throw StoreError(.corruptRow, "expected a JSON object column") }
        return o
    }
}

/// An event as both databases store it. Properties and identify traits that are not personal stay in
/// clear (segments query them); personal ones, the context (IP, user agent, page) and the alias/group
/// ids are sealed together.
package struct EventRow: Sendable {
    package var messageId: String
    package var profileId: String
    package var type: String
    package var name: String
    package var timestamp: Int64
    package var receivedAt: Int64
    package var userId: String?
    package var anonymousId: String?
    package var properties: String
    package var traits: String
    package var personal: Data?

    package init(profile: ProfileID, message m: Message, cipher: FieldCipher, policy: PersonalDataPolicy) throws {
        messageId = m.messageId
        profileId = profile.rawValue
        type = m.type.rawValue
        name = m.eventName
        timestamp = m.timestamp.millisecondsSince1970
        receivedAt = m.receivedAt.millisecondsSince1970
        userId = m.userId
        anonymousId = m.anonymousId
        let (plainProps, personalProps) = policy.split(m.properties)
        let (plainTraits, personalTraits) = policy.split(m.traits)
        properties = JSONWriter.string(plainProps)
        traits = JSONWriter.string(plainTraits)
        var sealed: JSONObject = [:]
        if !personalProps.isEmpty { sealed["properties"] = .object(personalProps) }
        if !personalTraits.isEmpty { sealed["traits"] = .object(personalTraits) }
        if !m.context.isEmpty { sealed["context"] = .object(m.context) }
        if let p = m.previousId { sealed["previousId"] = .string(p) }
        if let g = m.groupId { sealed["groupId"] = .string(g) }
        personal = try cipher.sealJSON(sealed)
    }

    package init(messageId: String, profileId: String, type: String, name: String, timestamp: Int64, receivedAt: Int64, userId: String?,
         anonymousId: String?, properties: String, traits: String, personal: Data?) {
        self.messageId = messageId
        self.profileId = profileId
        self.type = type
        self.name = name
        self.timestamp = timestamp
        self.receivedAt = receivedAt
        self.userId = userId
        self.anonymousId = anonymousId
        self.properties = properties
        self.traits = traits
        self.personal = personal
    }

    package func message(cipher: FieldCipher) throws -> Message {
        guard let t = MessageType(rawValue: type) else { throw StoreError(.corruptRow, "event \(messageId): unknown type") }
        var props = try ProfileRow.object(properties)
        var trs = try ProfileRow.object(traits)
        let sealed = try cipher.openJSON(personal)
        if case .object(let p)? = sealed["properties"] { props.merge(p) { _, new in new } }
        if case .object(let p)? = sealed["traits"] { trs.merge(p) { _, new in new } }
        return Message(type: t, messageId: messageId, userId: userId, anonymousId: anonymousId,
                       previousId: sealed["previousId"]?.stringValue, groupId: sealed["groupId"]?.stringValue,
                       event: t == .track ? name : nil, name: (t == .page || t == .screen) ? name : nil,
                       traits: trs, properties: props, context: sealed["context"]?.objectValue ?? [:],
                       timestamp: Date(millisecondsSince1970: timestamp), receivedAt: Date(millisecondsSince1970: receivedAt))
    }
}
