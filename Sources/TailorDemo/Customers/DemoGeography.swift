/// A city customers live in, with what the demo needs to make plausible addresses and phone numbers.
///
/// Postal codes are filled from `postalPrefixes` and `postalPattern` (`#` a digit, `@` a letter); phone
/// numbers from `phonePattern` (`#` a digit, `%` a digit 0–5), always inside the ranges the national
/// regulators reserve for fiction (NANP 555-01xx, Ofcom's drama numbers, the Bundesnetzagentur's
/// "Drama Numbers", ARCEP's and ACMA's fiction ranges). Countries without such a range get no phone.
struct DemoCity: Sendable {
    var name: String
    var region: String
    var countryCode: String
    var weight: Double
    /// Standard-time offset from UTC, hours (daylight saving is ignored: it only shifts when people shop).
    var utcOffset: Int
    var timeZone: String
    var postalPrefixes: [String]
    var postalPattern: String
    var phonePattern: String?
}

/// A country of the demo shop's customers.
struct DemoCountry: Sendable {
    var code: String
    var name: String
    var locale: String
    /// Index into ``DemoNames/pools``.
    var names: Int
    var weight: Double
}

enum DemoGeography {
    static let countries: [DemoCountry] = [
        DemoCountry(code: "US", name: "United States", locale: "en-US", names: 0, weight: 45),
        DemoCountry(code: "GB", name: "United Kingdom", locale: "en-GB", names: 0, weight: 14),
        DemoCountry(code: "CA", name: "Canada", locale: "en-CA", names: 0, weight: 8),
        DemoCountry(code: "DE", name: "Germany", locale: "de-DE", names: 1, weight: 9),
        DemoCountry(code: "FR", name: "France", locale: "fr-FR", names: 2, weight: 8),
        DemoCountry(code: "AU", name: "Australia", locale: "en-AU", names: 0, weight: 7),
        DemoCountry(code: "NL", name: "Netherlands", locale: "nl-NL", names: 3, weight: 4),
        DemoCountry(code: "ES", name: "Spain", locale: "es-ES", names: 4, weight: 3),
        DemoCountry(code: "IE", name: "Ireland", locale: "en-IE", names: 0, weight: 2),
    ]

    /// Weights are relative within a country.
    static let cities: [DemoCity] = [
        // United States: New York is the biggest market (about 14% of all customers).
        DemoCity(
            name: "New York",
            region: "NY",
            countryCode: "US",
            weight: 29,
            utcOffset: -5,
            timeZone: "America/New_York",
            postalPrefixes: ["100", "101", "103", "104", "112", "113", "114"],
            postalPattern: "##",
            phonePattern: "+1 212-555-01##"
        ),
        DemoCity(
            name: "Los Angeles",
            region: "CA",
            countryCode: "US",
            weight: 14,
            utcOffset: -8,
            timeZone: "America/Los_Angeles",
            postalPrefixes: ["900", "910", "913"],
            postalPattern: "##",
            phonePattern: "+1 213-555-01##"
        ),
        DemoCity(
            name: "Chicago",
            region: "IL",
            countryCode: "US",
            weight: 10,
            utcOffset: -6,
            timeZone: "America/Chicago",
            postalPrefixes: ["606"],
            postalPattern: "##",
            phonePattern: "+1 312-555-01##"
        ),
        DemoCity(
            name: "Houston",
            region: "TX",
            countryCode: "US",
            weight: 7,
            utcOffset: -6,
            timeZone: "America/Chicago",
            postalPrefixes: ["770"],
            postalPattern: "##",
            phonePattern: "+1 713-555-01##"
        ),
        DemoCity(
            name: "San Francisco",
            region: "CA",
            countryCode: "US",
            weight: 7,
            utcOffset: -8,
            timeZone: "America/Los_Angeles",
            postalPrefixes: ["941"],
            postalPattern: "##",
            phonePattern: "+1 415-555-01##"
        ),
        DemoCity(
            name: "Seattle",
            region: "WA",
            countryCode: "US",
            weight: 6,
            utcOffset: -8,
            timeZone: "America/Los_Angeles",
            postalPrefixes: ["981"],
            postalPattern: "##",
            phonePattern: "+1 206-555-01##"
        ),
        DemoCity(
            name: "Boston",
            region: "MA",
            countryCode: "US",
            weight: 6,
            utcOffset: -5,
            timeZone: "America/New_York",
            postalPrefixes: ["021"],
            postalPattern: "##",
            phonePattern: "+1 617-555-01##"
        ),
        DemoCity(
            name: "Austin",
            region: "TX",
            countryCode: "US",
            weight: 5,
            utcOffset: -6,
            timeZone: "America/Chicago",
            postalPrefixes: ["787"],
            postalPattern: "##",
            phonePattern: "+1 512-555-01##"
        ),
        DemoCity(
            name: "Miami",
            region: "FL",
            countryCode: "US",
            weight: 5,
            utcOffset: -5,
            timeZone: "America/New_York",
            postalPrefixes: ["331"],
            postalPattern: "##",
            phonePattern: "+1 305-555-01##"
        ),
        DemoCity(
            name: "Denver",
            region: "CO",
            countryCode: "US",
            weight: 5,
            utcOffset: -7,
            timeZone: "America/Denver",
            postalPrefixes: ["802"],
            postalPattern: "##",
            phonePattern: "+1 303-555-01##"
        ),
        DemoCity(
            name: "Atlanta",
            region: "GA",
            countryCode: "US",
            weight: 6,
            utcOffset: -5,
            timeZone: "America/New_York",
            postalPrefixes: ["303"],
            postalPattern: "##",
            phonePattern: "+1 404-555-01##"
        ),
        // United Kingdom.
        DemoCity(
            name: "London",
            region: "England",
            countryCode: "GB",
            weight: 45,
            utcOffset: 0,
            timeZone: "Europe/London",
            postalPrefixes: ["SW1A ", "E1 ", "N1 ", "SE1 ", "W1D ", "NW3 ", "EC2A ", "E14 "],
            postalPattern: "#@@",
            phonePattern: "+44 20 7946 0###"
        ),
        DemoCity(
            name: "Manchester",
            region: "England",
            countryCode: "GB",
            weight: 16,
            utcOffset: 0,
            timeZone: "Europe/London",
            postalPrefixes: ["M1 ", "M4 ", "M14 ", "M20 "],
            postalPattern: "#@@",
            phonePattern: "+44 161 496 0###"
        ),
        DemoCity(
            name: "Birmingham",
            region: "England",
            countryCode: "GB",
            weight: 14,
            utcOffset: 0,
            timeZone: "Europe/London",
            postalPrefixes: ["B1 ", "B5 ", "B15 "],
            postalPattern: "#@@",
            phonePattern: "+44 121 496 0###"
        ),
        DemoCity(
            name: "Edinburgh",
            region: "Scotland",
            countryCode: "GB",
            weight: 12,
            utcOffset: 0,
            timeZone: "Europe/London",
            postalPrefixes: ["EH1 ", "EH3 ", "EH6 "],
            postalPattern: "#@@",
            phonePattern: "+44 131 496 0###"
        ),
        DemoCity(
            name: "Bristol",
            region: "England",
            countryCode: "GB",
            weight: 13,
            utcOffset: 0,
            timeZone: "Europe/London",
            postalPrefixes: ["BS1 ", "BS6 ", "BS8 "],
            postalPattern: "#@@",
            phonePattern: "+44 7700 900###"
        ),
        // Canada.
        DemoCity(
            name: "Toronto",
            region: "ON",
            countryCode: "CA",
            weight: 50,
            utcOffset: -5,
            timeZone: "America/Toronto",
            postalPrefixes: ["M5V ", "M4C ", "M6G ", "M5A "],
            postalPattern: "#@#",
            phonePattern: "+1 416-555-01##"
        ),
        DemoCity(
            name: "Vancouver",
            region: "BC",
            countryCode: "CA",
            weight: 28,
            utcOffset: -8,
            timeZone: "America/Vancouver",
            postalPrefixes: ["V6B ", "V5K ", "V6K "],
            postalPattern: "#@#",
            phonePattern: "+1 604-555-01##"
        ),
        DemoCity(
            name: "Montreal",
            region: "QC",
            countryCode: "CA",
            weight: 22,
            utcOffset: -5,
            timeZone: "America/Toronto",
            postalPrefixes: ["H2X ", "H3B ", "H2T "],
            postalPattern: "#@#",
            phonePattern: "+1 514-555-01##"
        ),
        // Germany.
        DemoCity(
            name: "Berlin",
            region: "Berlin",
            countryCode: "DE",
            weight: 40,
            utcOffset: 1,
            timeZone: "Europe/Berlin",
            postalPrefixes: ["101", "104", "107", "120", "133"],
            postalPattern: "##",
            phonePattern: "+49 30 23125 ###"
        ),
        DemoCity(
            name: "Munich",
            region: "Bavaria",
            countryCode: "DE",
            weight: 22,
            utcOffset: 1,
            timeZone: "Europe/Berlin",
            postalPrefixes: ["803", "806", "809"],
            postalPattern: "##",
            phonePattern: "+49 89 99998 ###"
        ),
        DemoCity(
            name: "Hamburg",
            region: "Hamburg",
            countryCode: "DE",
            weight: 22,
            utcOffset: 1,
            timeZone: "Europe/Berlin",
            postalPrefixes: ["200", "203", "221"],
            postalPattern: "##",
            phonePattern: "+49 40 66969 ###"
        ),
        DemoCity(
            name: "Cologne",
            region: "North Rhine-Westphalia",
            countryCode: "DE",
            weight: 16,
            utcOffset: 1,
            timeZone: "Europe/Berlin",
            postalPrefixes: ["506", "509"],
            postalPattern: "##",
            phonePattern: "+49 221 4710 ###"
        ),
        // France.
        DemoCity(
            name: "Paris",
            region: "Île-de-France",
            countryCode: "FR",
            weight: 55,
            utcOffset: 1,
            timeZone: "Europe/Paris",
            postalPrefixes: [
                "75001", "75002", "75003", "75004", "75005", "75006", "75007", "75008", "75009", "75010", "75011", "75012", "75013", "75014", "75015",
                "75016", "75017", "75018", "75019", "75020",
            ],
            postalPattern: "",
            phonePattern: "+33 1 99 00 ## ##"
        ),
        DemoCity(
            name: "Lyon",
            region: "Auvergne-Rhône-Alpes",
            countryCode: "FR",
            weight: 18,
            utcOffset: 1,
            timeZone: "Europe/Paris",
            postalPrefixes: ["6900"],
            postalPattern: "#",
            phonePattern: "+33 6 39 98 ## ##"
        ),
        DemoCity(
            name: "Marseille",
            region: "Provence-Alpes-Côte d'Azur",
            countryCode: "FR",
            weight: 15,
            utcOffset: 1,
            timeZone: "Europe/Paris",
            postalPrefixes: ["1300", "1301"],
            postalPattern: "#",
            phonePattern: "+33 6 39 98 ## ##"
        ),
        DemoCity(
            name: "Toulouse",
            region: "Occitanie",
            countryCode: "FR",
            weight: 12,
            utcOffset: 1,
            timeZone: "Europe/Paris",
            postalPrefixes: ["3100", "3130"],
            postalPattern: "#",
            phonePattern: "+33 6 39 98 ## ##"
        ),
        // Australia.
        DemoCity(
            name: "Sydney",
            region: "NSW",
            countryCode: "AU",
            weight: 45,
            utcOffset: 10,
            timeZone: "Australia/Sydney",
            postalPrefixes: ["20", "21"],
            postalPattern: "##",
            phonePattern: "+61 491 570 1%#"
        ),
        DemoCity(
            name: "Melbourne",
            region: "VIC",
            countryCode: "AU",
            weight: 38,
            utcOffset: 10,
            timeZone: "Australia/Melbourne",
            postalPrefixes: ["30", "31"],
            postalPattern: "##",
            phonePattern: "+61 491 570 1%#"
        ),
        DemoCity(
            name: "Brisbane",
            region: "QLD",
            countryCode: "AU",
            weight: 17,
            utcOffset: 10,
            timeZone: "Australia/Brisbane",
            postalPrefixes: ["40", "41"],
            postalPattern: "##",
            phonePattern: "+61 491 570 1%#"
        ),
        // Netherlands, Spain, Ireland.
        DemoCity(
            name: "Amsterdam",
            region: "North Holland",
            countryCode: "NL",
            weight: 60,
            utcOffset: 1,
            timeZone: "Europe/Amsterdam",
            postalPrefixes: ["101", "105", "107"],
            postalPattern: "# @@",
            phonePattern: nil
        ),
        DemoCity(
            name: "Rotterdam",
            region: "South Holland",
            countryCode: "NL",
            weight: 40,
            utcOffset: 1,
            timeZone: "Europe/Amsterdam",
            postalPrefixes: ["301", "303", "305"],
            postalPattern: "# @@",
            phonePattern: nil
        ),
        DemoCity(
            name: "Madrid",
            region: "Community of Madrid",
            countryCode: "ES",
            weight: 55,
            utcOffset: 1,
            timeZone: "Europe/Madrid",
            postalPrefixes: ["280"],
            postalPattern: "##",
            phonePattern: nil
        ),
        DemoCity(
            name: "Barcelona",
            region: "Catalonia",
            countryCode: "ES",
            weight: 45,
            utcOffset: 1,
            timeZone: "Europe/Madrid",
            postalPrefixes: ["080"],
            postalPattern: "##",
            phonePattern: nil
        ),
        DemoCity(
            name: "Dublin",
            region: "Leinster",
            countryCode: "IE",
            weight: 100,
            utcOffset: 0,
            timeZone: "Europe/Dublin",
            postalPrefixes: ["D02 ", "D04 ", "D06 ", "D08 "],
            postalPattern: "@###",
            phonePattern: "+353 20 91# ####"
        ),
    ]

    /// Cities of each country (indices into `cities`) with their weights, in `countries` order.
    static let citiesByCountry: [(cities: [Int], table: WeightedTable)] = countries.map { country in
        let indices = cities.indices.filter { cities[$0].countryCode == country.code }
        return (indices, WeightedTable(indices.map { cities[$0].weight }))
    }

    static let countryTable = WeightedTable(countries.map(\.weight))

    /// Fills a pattern: `#` a digit, `%` a digit 0–5, `@` an upper-case letter used in postal codes.
    static func fill(_ pattern: String, _ rng: inout DemoRandom) -> String {
        let letters = Array("ABDEFGHJLNPQRSTUWXYZ".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(pattern.utf8.count)
        for b in pattern.utf8 {
            switch b {
            case UInt8(ascii: "#"): out.append(UInt8(ascii: "0") + UInt8(rng.int(10)))
            case UInt8(ascii: "%"): out.append(UInt8(ascii: "0") + UInt8(rng.int(6)))
            case UInt8(ascii: "@"): out.append(letters[rng.int(letters.count)])
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
