import Foundation
import TailorCore
import TailorDemo
import Testing

@Suite struct CustomerTests {
    let shop = DemoFixture.shop
    var customers: [DemoCustomer] { (0..<DemoFixture.customers).map { shop.customer($0) } }

    @Test func emailsAreUniqueAndOnlyOnExampleDomains() throws {
        let all = customers
        #expect(Set(all.map(\.email)).count == all.count)
        let pattern = try Regex("^[a-z]+(\\.)?[a-z]+[0-9]+@example\\.(com|org|net)$")
        for c in all {
            #expect(c.email.wholeMatch(of: pattern) != nil, "customer \(c.index)'s email has an unexpected shape")
        }
        #expect(all.filter { $0.email.contains(".") && $0.email.split(separator: "@")[0].contains(".") }.count > all.count / 2)
    }

    @Test func userIdsAndNames() {
        for c in customers.prefix(200) {
            #expect(c.userId == "cust_" + String(repeating: "0", count: 6 - String(c.index).count) + String(c.index))
            #expect(!c.firstName.isEmpty && !c.lastName.isEmpty)
            #expect((18...80).contains(c.age))
        }
        #expect(shop.customer(42).userId == "cust_000042")
    }

    @Test func severalCountriesAndNewYorkIsASizeableCity() {
        let all = customers
        let countries = Dictionary(grouping: all, by: \.countryCode).mapValues(\.count)
        #expect(countries.count >= 6)
        #expect((countries["US"] ?? 0) > all.count / 3)
        let newYork = Double(all.filter { $0.city == "New York" }.count) / Double(all.count)
        #expect(newYork > 0.08 && newYork < 0.25)
        let cities = Set(all.map(\.city))
        for city in ["New York", "London", "Paris", "Berlin", "Toronto", "Sydney", "Los Angeles", "Chicago"] {
            #expect(cities.contains(city), "no customer in \(city)")
        }
        // New York is the biggest city.
        let byCity = Dictionary(grouping: all, by: \.city).mapValues(\.count)
        #expect(byCity.max { $0.value < $1.value }?.key == "New York")
        for c in all where c.city == "New York" {
            #expect(c.region == "NY" && c.countryCode == "US" && c.postalCode.count == 5)
        }
    }

    @Test func phonesAreInRangesReservedForFiction() {
        let reserved = [
            "555-01", "+44 20 7946 0", "+44 161 496 0", "+44 121 496 0", "+44 131 496 0", "+44 7700 900",
            "+49 30 23125 ", "+49 89 99998 ", "+49 40 66969 ", "+49 221 4710 ", "+33 1 99 00 ", "+33 6 39 98 ",
            "+61 491 570 1", "+353 20 91",
        ]
        let phones = customers.compactMap(\.phone)
        #expect(phones.count > DemoFixture.customers / 3)
        for phone in phones {
            #expect(reserved.contains { phone.contains($0) }, "phone outside the fictional ranges")
        }
        // Australia's fictional mobile range ends at 0491 570 159.
        for phone in phones where phone.hasPrefix("+61") {
            #expect(Int(phone.suffix(3))! <= 159)
        }
    }

    @Test func demographicsAndPsychographicsAreFilled() {
        let all = customers
        let genders = Dictionary(grouping: all, by: { $0.gender ?? "none" }).mapValues(\.count)
        #expect((genders["female"] ?? 0) > all.count * 4 / 10)
        #expect((genders["male"] ?? 0) > all.count * 3 / 10)
        #expect(all.allSatisfy { !$0.interests.isEmpty && !$0.lifestyle.isEmpty })
        #expect(Set(all.map(\.lifestyle)).count >= 6)
        #expect(all.filter { $0.lifestyle == "retired" }.allSatisfy { $0.age >= 60 })
        let optedIn = Double(all.filter(\.emailOptIn).count) / Double(all.count)
        #expect(optedIn > 0.6 && optedIn < 0.85)
        // About a third signed up before the generated window.
        let legacy = Double(all.filter { $0.createdAt < shop.start }.count) / Double(all.count)
        #expect(legacy > 0.2 && legacy < 0.4)
        #expect(all.allSatisfy { $0.createdAt <= shop.now })
    }

    @Test func theSignUpIdentifyCarriesTheProfile() throws {
        let c = shop.customer(17)
        let identify = try #require(shop.messages(forCustomer: 17).first { $0.type == .identify })
        #expect(identify.traits == c.traits)
        #expect(c.traits["city"]?.stringValue == c.city)
        #expect(c.traits["address"]?.objectValue?["city"]?.stringValue == c.city)
        #expect(c.traits["postal_code"]?.stringValue == c.postalCode)
        #expect(c.traits["region"]?.stringValue == c.region)
        #expect(ISO8601.parse(c.traits["createdAt"]?.stringValue ?? "") == c.createdAt)
    }
}
