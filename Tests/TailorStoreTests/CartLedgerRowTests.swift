import Foundation
import Testing
import TailorCore
import TailorStore

@Suite("Cart ledger in the profile row")
struct CartLedgerRowTests {
    let t0 = Date(millisecondsSince1970: 1_700_000_000_000)
    let cipher = FieldCipher(masterKey: FieldCipher.generateMasterKey())

    func row(_ state: ProfileState) throws -> ProfileRow {
        try ProfileRow(ProfileAggregate(id: ProfileID("p_1"), createdAt: t0, state: state), updatedAt: t0, cipher: cipher, policy: .default)
    }

    @Test func aLedgerSurvivesTheRowAndAnEmptyOneIsNull() throws {
        var s = ProfileState()
        #expect(try row(s).cartLedger == nil)
        s.apply(.track("Product Added", userId: "u", properties: ["product_id": "a", "price": 2, "name": "Mug|blue"], at: t0, messageId: "m|1"))
        s.apply(.track("Product Added", userId: "u", properties: ["product_id": "b", "price": 3], at: t0 + 1, messageId: "m2"))
        s.apply(.track("Product Removed", userId: "u", properties: ["product_id": "b"], at: t0 + 2, messageId: "m3"))
        let stored = try row(s)
        let back = try stored.aggregate(cipher: cipher, identities: [])
        #expect(back.state == s)
        #expect(back.state.cartLedger?.removals["b"] == EventKey(milliseconds: t0.millisecondsSince1970 + 2000, messageId: "m3"))
    }

    @Test func aRowFromBeforeLedgersHasAnUnknownOneAndItsNextCartEventAsksForARebuild() throws {
        var s = ProfileState()
        s.apply(.track("Product Added", userId: "u", properties: ["product_id": "a", "price": 2], at: t0, messageId: "m1"))
        var stored = try row(s)
        stored.cartLedger = "1700000000000|m1"  // what cart_clock held
        var back = try stored.aggregate(cipher: cipher, identities: [])
        #expect(back.state.cartLedger == nil && back.state.cart["a"]?.quantity == 1)
        let folded = back.state.apply(.track("Product Added", userId: "u", properties: ["product_id": "a"], at: t0 + 5, messageId: "m2"))
        #expect(!folded)
        // Written back as unknown until a rebuild gives it a ledger.
        #expect(try row(back.state).cartLedger == ProfileRow.unknownLedger)
        #expect(try ProfileRow.decodeLedger(ProfileRow.unknownLedger) == nil)
    }
}
