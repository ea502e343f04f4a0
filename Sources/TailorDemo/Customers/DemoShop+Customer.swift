import Foundation
import TailorCore

extension DemoShop {
    /// The customer at `index` (`0..<customerCount`): profile traits only, without generating behaviour.
    public func customer(_ index: Int) -> DemoCustomer {
        precondition(index >= 0 && index < customerCount, "customer index out of range")
        return makeCustomer(index).customer
    }

    /// Builds the public profile and the facts about it the behaviour needs (city, category affinity).
    func makeCustomer(_ index: Int) -> (customer: DemoCustomer, city: Int, favorites: [Int]) {
        var rng = DemoRandom(seed: seed, stream: 1, substream: UInt64(index))
        let country = DemoGeography.countries[DemoGeography.countryTable.sample(&rng)]
        let countryIndex = DemoGeography.countries.firstIndex { $0.code == country.code }!
        let (cities, cityTable) = DemoGeography.citiesByCountry[countryIndex]
        let cityIndex = cities[cityTable.sample(&rng)]
        let city = DemoGeography.cities[cityIndex]

        let g = rng.unit()
        let gender: String? = g < 0.54 ? "female" : g < 0.97 ? "male" : g < 0.985 ? "non-binary" : nil
        let pool = DemoNames.pools[country.names]
        let firstName: String =
            switch gender {
            case "female": rng.pick(pool.female)
            case "male": rng.pick(pool.male)
            default: rng.chance(0.5) ? rng.pick(pool.female) : rng.pick(pool.male)
            }
        let lastName = rng.pick(pool.last)
        let age = rng.int(in: DemoPsychographics.ageBands[DemoPsychographics.ageTable.sample(&rng)])

        // Email: first.last<n>, with the customer's number making it unique; a few use firstlast<n> or f.last<n>.
        let first = DemoNames.emailPart(firstName)
        let last = DemoNames.emailPart(lastName)
        let style = rng.unit()
        let local = style < 0.75 ? "\(first).\(last)" : style < 0.9 ? "\(first)\(last)" : "\(first.prefix(1)).\(last)"
        let d = rng.unit()
        let domain = d < 0.7 ? "example.com" : d < 0.85 ? "example.org" : "example.net"
        let email = "\(local)\(index + 1)@\(domain)"

        let postal = rng.pick(city.postalPrefixes) + DemoGeography.fill(city.postalPattern, &rng)
        let phone = city.phonePattern.flatMap { rng.chance(0.7) ? DemoGeography.fill($0, &rng) : nil }

        // Interests: one to three, distinct; lifestyle consistent with age.
        var interests: [Int] = []
        let interestCount = 1 + rng.int(3)
        while interests.count < interestCount {
            let i = rng.int(DemoPsychographics.interests.count)
            if !interests.contains(i) { interests.append(i) }
        }
        var lifestyles = DemoPsychographics.lifestyles
        if age > 26 { lifestyles.removeAll { $0 == "student" } }
        if age < 60 { lifestyles.removeAll { $0 == "retired" } }
        if age < 26 || age > 50 { lifestyles.removeAll { $0 == "young family" } }
        let lifestyle = rng.pick(lifestyles)
        if lifestyle == "young family", !interests.contains(11) { interests.append(11) }
        let favorites = Array(Set(interests.flatMap { DemoPsychographics.interests[$0].categories })).sorted()

        let channel = DemoPsychographics.channels[DemoPsychographics.channelTable.sample(&rng)]
        let optIn = rng.chance(0.72)
        let createdAt = Date(millisecondsSince1970: signupTime(index))

        let customer = DemoCustomer(
            index: index,
            userId: Self.userId(index),
            email: email,
            firstName: firstName,
            lastName: lastName,
            age: age,
            gender: gender,
            city: city.name,
            region: city.region,
            postalCode: postal,
            country: country.name,
            countryCode: country.code,
            timeZone: city.timeZone,
            phone: phone,
            interests: interests.map { DemoPsychographics.interests[$0].name },
            lifestyle: lifestyle,
            acquisitionChannel: channel,
            emailOptIn: optIn,
            createdAt: createdAt
        )
        return (customer, cityIndex, favorites)
    }

    /// `cust_000123` (at least six digits).
    static func userId(_ index: Int) -> String {
        "cust_" + DemoCatalog.zeroPadded(index, width: 6)
    }

    /// When the customer's account was created (ms since 1970). About 30% of customers are from before the
    /// generated window ("legacy" customers, created up to three years earlier); the others sign up inside it,
    /// more and more as the shop grows.
    func signupTime(_ index: Int) -> Int64 {
        var rng = DemoRandom(seed: seed, stream: 2, substream: UInt64(index))
        let span = Double(nowMs - startMs)
        if rng.chance(0.3) {
            return startMs - Int64(rng.uniform(30, 1100) * Double(DemoTime.day))
        }
        // Linear growth: density ∝ 1 + 1.5x over the window, after its first three weeks.
        let u = rng.unit()
        let x = (-1 + (1 + 5.25 * u).squareRoot()) / 1.5
        let first = Double(21 * DemoTime.day)
        return startMs + Int64(first + x * (span - first - Double(DemoTime.hour)))
    }
}
