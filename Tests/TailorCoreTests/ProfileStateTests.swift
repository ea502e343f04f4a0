import Foundation
import Testing
import TailorCore

/// A small deterministic generator, so that failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomHistory(count: Int, rng: inout SplitMix64) -> [Message] {
    let base = Date(millisecondsSince1970: 1_700_000_000_000)
    let names = ["Product Added", "Product Added", "Product Removed", "Order Completed", "Email Opened", "Email Clicked",
                 "Product Viewed", "Email Sent", "Segment Entered"]
    return (0..<count).map { i in
        let t = base.addingTimeInterval(Double(Int.random(in: 0..<(3600 * 24 * 30), using: &rng)))
        let kind = Int.random(in: 0..<12, using: &rng)
        if kind == 0 {
            return Message.identify(userId: "u", traits: ["plan": .string(["free", "pro"].randomElement(using: &rng)!), "age": .number(Double(i))], at: t, messageId: "m\(i)")
        }
        if kind == 1 {
            return Message(type: .page, messageId: "m\(i)", userId: "u", name: "Home", timestamp: t)
        }
        let name = names.randomElement(using: &rng)!
        var props: JSONObject = ["product_id": .string("sku\(Int.random(in: 0..<4, using: &rng))"),
                                 "price": .number(Double(Int.random(in: 1..<90, using: &rng)))]
        if Bool.random(using: &rng) { props["quantity"] = .number(Double(Int.random(in: 1..<4, using: &rng))) }
        if name == "Order Completed" { props = ["revenue": .number(Double(Int.random(in: 5..<300, using: &rng)))] }
        return Message.track(name, userId: "u", properties: props, at: t, messageId: "m\(i)")
    }
}

@Suite("Computed profile state")
struct ProfileStateTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)

    @Test func cartAddsRemovesAndEmpties() {
        var s = ProfileState()
        s.apply(.track("Product Added", userId: "u", properties: ["product_id": "a", "price": 20, "quantity": 2], at: t0, messageId: "1"))
        s.apply(.track("Product Added", userId: "u", properties: ["product_id": "a", "price": 25], at: t0 + 10, messageId: "2"))
        s.apply(.track("Product Added", userId: "u", properties: ["product_id": 7, "price": "5.50"], at: t0 + 20, messageId: "3"))
        #expect(s.cart["a"]?.quantity == 3)
        #expect(s.cartValue == 3 * 25 + 5.5)
        #expect(s.cartUpdatedAt == t0 + 20)
        s.apply(.track("Product Removed", userId: "u", properties: ["product_id": "a"], at: t0 + 30, messageId: "4"))
        #expect(s.cartValue == 5.5)
        s.apply(.track("Order Completed", userId: "u", properties: ["total": 40], at: t0 + 40, messageId: "5"))
        #expect(s.cart.isEmpty)
        #expect(s.orderCount == 1)
        #expect(s.revenue == 40)
        #expect(s.lastOrderAt == t0 + 40)
        #expect(s.averageOrderValue == 40)
    }

    @Test func orderValueRules() {
        #expect(ProfileState.orderValue(["revenue": 10, "total": 12]) == 10)
        #expect(ProfileState.orderValue(["total": 12]) == 12)
        #expect(ProfileState.orderValue(["products": [["price": 2, "quantity": 3], ["price": 1.5]]]) == 7.5)
    }

    @Test func activityExcludesTailorsBookkeeping() {
        var s = ProfileState()
        s.apply(.track("Product Viewed", userId: "u", at: t0, messageId: "1"))
        s.apply(.track("Email Sent", userId: "u", at: t0 + 100, messageId: "2"))
        s.apply(.identify(userId: "u", traits: ["a": 1], at: t0 + 200, messageId: "3"))
        #expect(s.lastActivity == t0)
        #expect(s.lastSeen == t0 + 200)
        s.apply(.track("Email Opened", userId: "u", at: t0 + 300, messageId: "4"))
        #expect(s.lastActivity == t0 + 300)
        #expect(s.emailOpens == 1)
    }

    @Test func lateCartEventsFoldInWithoutARebuild() {
        var s = ProfileState()
        do {
            let folded = s.apply(.track("Product Added", userId: "u", properties: ["product_id": "a", "price": 1], at: t0 + 100, messageId: "2"))
            #expect(folded)
        }
        // An order older than the add empties nothing the add brought.
        do {
            let folded = s.apply(.track("Order Completed", userId: "u", properties: ["revenue": 5], at: t0, messageId: "1"))
            #expect(folded)
        }
        #expect(s.orderCount == 1 && s.cart["a"]?.quantity == 1)
        // An add older than the order counts for nothing; one between the order and the newer add does.
        do {
            let folded = s.apply(.track("Product Added", userId: "u", properties: ["product_id": "b", "price": 2], at: t0 - 10, messageId: "0"))
            #expect(folded)
        }
        do {
            let folded = s.apply(.track("Product Added", userId: "u", properties: ["product_id": "a", "price": 3, "name": "A"], at: t0 + 50, messageId: "1b"))
            #expect(folded)
        }
        #expect(s.cart["b"] == nil && s.cart["a"] == CartLine(productId: "a", quantity: 2, price: 1, name: "A"))
        // A removal that arrives late takes the adds before it and leaves a later one.
        do {
            let folded = s.apply(.track("Product Removed", userId: "u", properties: ["product_id": "a"], at: t0 + 75, messageId: "1c"))
            #expect(folded)
        }
        #expect(s.cart["a"] == CartLine(productId: "a", quantity: 1, price: 1, name: nil))
        #expect(s.cartUpdatedAt == t0 + 100)
        // A late add before that removal counts for nothing.
        do {
            let folded = s.apply(.track("Product Added", userId: "u", properties: ["product_id": "a", "price": 9], at: t0 + 60, messageId: "1d"))
            #expect(folded)
        }
        #expect(s.cartValue == 1)
    }

    @Test func aRemovalInsideMergedAddsAndAnUnknownLedgerAskForARebuild() {
        var s = ProfileState()
        let adds = CartLedger.maxAddsPerProduct + 1
        for i in 0..<adds {
            do {
                let folded = s.apply(.track("Product Added", userId: "u", properties: ["product_id": "a", "price": 1], at: t0 + Double(i), messageId: "a\(i)"))
                #expect(folded)
            }
        }
        #expect(s.cart["a"]?.quantity == Double(adds))
        // The two oldest adds are one entry now: a removal between them cannot be folded in.
        do {
            let folded = s.apply(.track("Product Removed", userId: "u", properties: ["product_id": "a"], at: t0 + 0.5, messageId: "r"))
            #expect(!folded)
        }
        #expect(s.cart["a"]?.quantity == Double(adds))
        // A removal after them can.
        do {
            let folded = s.apply(.track("Product Removed", userId: "u", properties: ["product_id": "a"], at: t0 + 1.5, messageId: "r2"))
            #expect(folded)
        }
        #expect(s.cart["a"]?.quantity == Double(adds - 2))

        var unknown = ProfileState()
        unknown.cartLedger = nil
        do {
            let folded = unknown.apply(.track("Product Added", userId: "u", properties: ["product_id": "a"], at: t0, messageId: "x"))
            #expect(!folded)
        }
        do {
            let folded = unknown.apply(.track("Product Viewed", userId: "u", at: t0, messageId: "y"))
            #expect(folded)
        }
    }

    /// Incremental state equals the fold of the history, for any arrival order, without a rebuild.
    @Test(arguments: 0..<40)
    func incrementalEqualsRebuildForShuffledArrivals(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed))
        let history = randomHistory(count: 60, rng: &rng)
        var expected = ProfileAggregate(id: ProfileID("p_x"), createdAt: t0)
        expected.rebuild(from: history)
        let arrival = history.shuffled(using: &rng)
        var live = ProfileAggregate(id: ProfileID("p_x"), createdAt: t0)
        var seen: [Message] = []
        var rebuilds = 0
        for m in arrival {
            seen.append(m)
            if !live.apply(m) {
                rebuilds += 1
                live.rebuild(from: seen)
            }
        }
        #expect(rebuilds == 0)  // late cart events fold in
        #expect(live.state == expected.state)
        #expect(live.traits == expected.traits)
    }
}
