/// Given names and family names by language, for customers' profiles.
enum DemoNames {
    struct Pool: Sendable {
        var female: [String]
        var male: [String]
        var last: [String]
    }

    /// 0 English, 1 German, 2 French, 3 Dutch, 4 Spanish (``DemoCountry/names``).
    static let pools: [Pool] = [
        Pool(
            female: [
                "Emma", "Olivia", "Ava", "Sophia", "Isabella", "Mia", "Charlotte", "Amelia", "Harper", "Evelyn", "Abigail",
                "Emily", "Grace", "Chloe", "Zoe", "Lily", "Hannah", "Nora", "Ella", "Maya", "Aaliyah", "Priya", "Mei", "Sofia",
                "Claire", "Rachel", "Laura", "Megan", "Jessica", "Sarah",
            ],
            male: [
                "Liam", "Noah", "Oliver", "James", "Elijah", "William", "Henry", "Lucas", "Benjamin", "Theodore", "Jack",
                "Samuel", "Daniel", "Michael", "Ethan", "Owen", "Ryan", "Nathan", "Aiden", "Arjun", "Wei", "Mateo", "David",
                "Thomas", "Andrew", "Connor", "Marcus", "Kevin", "Jason", "Chris",
            ],
            last: [
                "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Wilson",
                "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark",
                "Lewis", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill",
                "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Patel", "Nguyen", "Chen", "Kim",
                "O'Brien", "Murphy", "Kelly", "Walsh", "Hughes",
            ]
        ),
        Pool(
            female: [
                "Anna", "Lena", "Lea", "Hannah", "Sophie", "Marie", "Julia", "Laura", "Katharina", "Jana", "Sarah", "Lisa",
                "Johanna", "Greta", "Clara", "Jülide", "Ida", "Frieda",
            ],
            male: [
                "Lukas", "Leon", "Jonas", "Felix", "Paul", "Maximilian", "Elias", "Finn", "Tobias", "Jan", "Florian",
                "Sebastian", "Moritz", "Jürgen", "Niklas", "Stefan", "Matthias", "Emre",
            ],
            last: [
                "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
                "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Braun", "Zimmermann", "Krüger",
                "Hartmann", "Lange", "Yılmaz", "Weiß",
            ]
        ),
        Pool(
            female: [
                "Léa", "Chloé", "Manon", "Camille", "Inès", "Jade", "Louise", "Zoé", "Emma", "Juliette", "Lucie", "Élise",
                "Margaux", "Sarah", "Anaïs", "Amira",
            ],
            male: [
                "Lucas", "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Raphaël", "Théo", "Nathan", "Mathis", "Antoine",
                "Étienne", "Baptiste", "Julien", "Karim", "Mehdi",
            ],
            last: [
                "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
                "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Girard",
                "Bonnet", "Benali",
            ]
        ),
        Pool(
            female: ["Emma", "Julia", "Sophie", "Tess", "Fenna", "Sara", "Lotte", "Anna", "Evi", "Noor", "Fleur", "Saar"],
            male: ["Daan", "Sem", "Lucas", "Levi", "Finn", "Bram", "Thijs", "Jesse", "Ruben", "Milan", "Sven", "Joris"],
            last: [
                "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
                "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
            ]
        ),
        Pool(
            female: ["Lucía", "Sofía", "Martina", "María", "Julia", "Paula", "Valeria", "Carmen", "Elena", "Alba", "Noa", "Irene"],
            male: ["Hugo", "Martín", "Lucas", "Mateo", "Pablo", "Alejandro", "Daniel", "Álvaro", "Javier", "Sergio", "Adrián", "Iker"],
            last: [
                "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín",
                "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz",
            ]
        ),
    ]

    /// The name as it goes into an email address: lower-case ASCII letters only (`Müller` → `muller`,
    /// `O'Brien` → `obrien`, `de Jong` → `dejong`).
    static func emailPart(_ name: String) -> String {
        var out = ""
        out.reserveCapacity(name.utf8.count)
        for scalar in name.lowercased().unicodeScalars {
            switch scalar {
            case "a"..."z": out.unicodeScalars.append(scalar)
            case "à", "á", "â", "ä", "ã": out += "a"
            case "ç": out += "c"
            case "è", "é", "ê", "ë": out += "e"
            case "ì", "í", "î", "ï", "ı": out += "i"
            case "ñ": out += "n"
            case "ò", "ó", "ô", "ö": out += "o"
            case "ù", "ú", "û", "ü": out += "u"
            case "ß": out += "ss"
            case "ş": out += "s"
            default: break
            }
        }
        return out
    }
}
