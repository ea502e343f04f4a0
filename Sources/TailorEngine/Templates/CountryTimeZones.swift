/// The time zone of countries that have one (ISO 3166 alpha-2 codes and common English names), for
/// recipients whose profile names a country but no `timezone`. Countries spanning several zones (US,
/// Canada, Russia, Brazil, Australia, Mexico, Indonesia …) are left out: guessing would be wrong for many.
enum CountryTimeZones {
    static func zone(of country: String) -> String? {
        let key = country.trimmingCharacters(in: .whitespaces).lowercased()
        return byCode[key] ?? byName[key]
    }

    static let byCode: [String: String] = [
        "gb": "Europe/London", "uk": "Europe/London", "ie": "Europe/Dublin", "fr": "Europe/Paris", "de": "Europe/Berlin",
        "nl": "Europe/Amsterdam", "be": "Europe/Brussels", "lu": "Europe/Luxembourg", "ch": "Europe/Zurich", "at": "Europe/Vienna",
        "it": "Europe/Rome", "es": "Europe/Madrid", "pt": "Europe/Lisbon", "se": "Europe/Stockholm", "no": "Europe/Oslo",
        "dk": "Europe/Copenhagen", "fi": "Europe/Helsinki", "pl": "Europe/Warsaw", "cz": "Europe/Prague", "sk": "Europe/Bratislava",
        "hu": "Europe/Budapest", "ro": "Europe/Bucharest", "bg": "Europe/Sofia", "gr": "Europe/Athens", "hr": "Europe/Zagreb",
        "si": "Europe/Ljubljana", "ee": "Europe/Tallinn", "lv": "Europe/Riga", "lt": "Europe/Vilnius", "is": "Atlantic/Reykjavik",
        "tr": "Europe/Istanbul", "il": "Asia/Jerusalem", "ae": "Asia/Dubai", "in": "Asia/Kolkata", "jp": "Asia/Tokyo",
        "kr": "Asia/Seoul", "cn": "Asia/Shanghai", "sg": "Asia/Singapore", "hk": "Asia/Hong_Kong", "tw": "Asia/Taipei",
        "th": "Asia/Bangkok", "ph": "Asia/Manila", "my": "Asia/Kuala_Lumpur", "vn": "Asia/Ho_Chi_Minh", "nz": "Pacific/Auckland",
        "za": "Africa/Johannesburg", "ng": "Africa/Lagos", "ke": "Africa/Nairobi", "eg": "Africa/Cairo", "ar": "America/Argentina/Buenos_Aires",
        "co": "America/Bogota", "pe": "America/Lima", "cl": "America/Santiago",
    ]

    static let byName: [String: String] = [
        "united kingdom": "Europe/London", "great britain": "Europe/London", "england": "Europe/London", "scotland": "Europe/London",
        "wales": "Europe/London", "ireland": "Europe/Dublin", "france": "Europe/Paris", "germany": "Europe/Berlin",
        "netherlands": "Europe/Amsterdam", "belgium": "Europe/Brussels", "switzerland": "Europe/Zurich", "austria": "Europe/Vienna",
        "italy": "Europe/Rome", "spain": "Europe/Madrid", "portugal": "Europe/Lisbon", "sweden": "Europe/Stockholm", "norway": "Europe/Oslo",
        "denmark": "Europe/Copenhagen", "finland": "Europe/Helsinki", "poland": "Europe/Warsaw", "czechia": "Europe/Prague",
        "czech republic": "Europe/Prague", "hungary": "Europe/Budapest", "romania": "Europe/Bucharest", "greece": "Europe/Athens",
        "turkey": "Europe/Istanbul", "israel": "Asia/Jerusalem", "india": "Asia/Kolkata", "japan": "Asia/Tokyo", "south korea": "Asia/Seoul",
        "china": "Asia/Shanghai", "singapore": "Asia/Singapore", "new zealand": "Pacific/Auckland", "south africa": "Africa/Johannesburg",
        "argentina": "America/Argentina/Buenos_Aires", "colombia": "America/Bogota", "peru": "America/Lima",
    ]
}
