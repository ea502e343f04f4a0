public import Foundation
public import TailorCore

/// One customer of the demo shop: who they are (the traits sent with their `identify`).
///
/// A customer is a pure function of the shop's seed and the customer's index, so any customer can be
/// rebuilt alone (``DemoShop/customer(_:)``).
public struct DemoCustomer: Sendable, Hashable {
    /// Position in the shop, `0..<customerCount`.
    public var index: Int
    /// `cust_000123`.
    public var userId: String
    /// `first.last<n>@example.com` (or `.org`, `.net`); unique in the shop.
    public var email: String
    public var firstName: String
    public var lastName: String
    public var age: Int
    /// `female`, `male`, `non-binary`, or nil when not given.
    public var gender: String?
    public var city: String
    public var region: String
    public var postalCode: String
    /// The country's name (`United States`); ``countryCode`` is ISO 3166-1 alpha-2.
    public var country: String
    public var countryCode: String
    /// IANA time zone of the city.
    public var timeZone: String
    /// A number in a range reserved for fiction, or nil when not given.
    public var phone: String?
    public var interests: [String]
    public var lifestyle: String
    /// `organic_search`, `paid_search`, `social`, `referral`, `email`, `direct`.
    public var acquisitionChannel: String
    /// Whether the customer agreed to marketing email.
    public var emailOptIn: Bool
    /// When the account was created; for customers from before the generated window it lies before it.
    public var createdAt: Date

    /// The traits of the customer's sign-up `identify`, in Segment's reserved names where one exists
    /// (`firstName`, `lastName`, `email`, `phone`, `age`, `gender`, `createdAt`, `address`), plus flat
    /// `city`, `region`, `postal_code`, `country`, `country_code` for simple segment conditions, and the
    /// psychographic `interests`, `lifestyle`.
    public var traits: JSONObject {
        var t: JSONObject = [
            "email": .string(email),
            "firstName": .string(firstName),
            "lastName": .string(lastName),
            "name": .string(firstName + " " + lastName),
            "age": .number(Double(age)),
            "city": .string(city),
            "region": .string(region),
            "postal_code": .string(postalCode),
            "country": .string(country),
            "country_code": .string(countryCode),
            "timezone": .string(timeZone),
            "address": .object([
                "city": .string(city), "state": .string(region), "postalCode": .string(postalCode), "country": .string(country),
            ]),
            "interests": .array(interests.map { .string($0) }),
            "lifestyle": .string(lifestyle),
            "acquisition_channel": .string(acquisitionChannel),
            "email_opt_in": .bool(emailOptIn),
            "createdAt": .string(ISO8601.format(createdAt)),
        ]
        if let gender { t["gender"] = .string(gender) }
        if let phone { t["phone"] = .string(phone) }
        return t
    }
}

// MARK: - Psychographics

enum DemoPsychographics {
    /// Interests and the categories they pull purchases towards (indices into ``DemoCategory/all``).
    static let interests: [(name: String, categories: [Int])] = [
        ("running", [7, 1]), ("yoga", [7, 3]), ("cooking", [2, 9]), ("coffee", [9]), ("gardening", [8]),
        ("reading", [5]), ("gaming", [4, 6]), ("technology", [4]), ("fashion", [0, 1]), ("skincare", [3]),
        ("home decor", [2]), ("parenting", [6, 5]), ("outdoors", [7, 1, 8]), ("travel", [0, 4]), ("fitness", [7, 9]),
        ("photography", [4]),
    ]

    static let lifestyles = [
        "urban professional", "young family", "student", "retired", "outdoor enthusiast", "homebody",
        "budget shopper", "trendsetter",
    ]

    static let channels = ["organic_search", "paid_search", "social", "referral", "email", "direct"]
    static let channelTable = WeightedTable([30, 20, 20, 10, 5, 15])

    /// Age bands and their shares: 18–24, 25–34, 35–44, 45–54, 55–64, 65–80.
    static let ageBands: [ClosedRange<Int>] = [18...24, 25...34, 35...44, 45...54, 55...64, 65...80]
    static let ageTable = WeightedTable([12, 30, 25, 17, 10, 6])
}
