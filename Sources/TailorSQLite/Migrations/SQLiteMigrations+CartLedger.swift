extension SQLiteMigrations {
    /// `0017_cart_ledger`: the profile's `cart_clock` (the newest cart event's key) becomes `cart_ledger`, the JSON
    /// of `CartLedger`, so that late cart events fold in without a replay. A row still holding a key is read
    /// as an unknown ledger: that profile's next cart event rebuilds it from history, once.
    static let cartLedger = """
        ALTER TABLE profiles RENAME COLUMN cart_clock TO cart_ledger;
        """
}
