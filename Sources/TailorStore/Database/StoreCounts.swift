/// How many rows the main tables hold (live profiles only).
public struct StoreCounts: Sendable, Equatable {
    public var profiles: Int
    public var events: Int
    public var products: Int
    public var merges: Int

    public init(profiles: Int, events: Int, products: Int, merges: Int) {
        self.profiles = profiles
        self.events = events
        self.products = products
        self.merges = merges
    }
}
