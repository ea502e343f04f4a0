import TailorStore

extension PostgresMigrations {
    /// `0017_cart_ledger`: as SQLite's (`SQLiteMigrations.cartLedger`).
    static let cartLedger = Migration(name: "0017_cart_ledger", statements: [
        "ALTER TABLE profiles RENAME COLUMN cart_clock TO cart_ledger",
    ])
}
