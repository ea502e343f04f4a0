/// What a customer did, in a compact form: the simulation writes these, ``MessageBuilder`` turns them into
/// Segment messages, and ``DemoShop/summary()`` only counts them (so a summary costs a fraction of the messages).
enum RawKind: UInt8, CaseIterable {
    /// Sign-up (or, for customers from before the window, the first login in it): full traits.
    case identify
    /// Login on a second device: links that device's anonymous id.
    case identifyLogin
    /// A later profile update from the preference centre.
    case identifyUpdate
    case pageHome, pageCategory, pageProduct, pageSearch, pageCart, pageCheckout
    case productViewed, productsSearched, productAdded, productRemoved, checkoutStarted, orderCompleted
    case emailSent, emailOpened, emailClicked, emailBounced, unsubscribed

    /// The name ``TailorCore/Message/eventName`` gives the message.
    var eventName: String {
        switch self {
        case .identify, .identifyLogin, .identifyUpdate: "identify"
        case .pageHome: "Home"
        case .pageCategory: "Category"
        case .pageProduct: "Product"
        case .pageSearch: "Search"
        case .pageCart: "Cart"
        case .pageCheckout: "Checkout"
        case .productViewed: "Product Viewed"
        case .productsSearched: "Products Searched"
        case .productAdded: "Product Added"
        case .productRemoved: "Product Removed"
        case .checkoutStarted: "Checkout Started"
        case .orderCompleted: "Order Completed"
        case .emailSent: "Email Sent"
        case .emailOpened: "Email Opened"
        case .emailClicked: "Email Clicked"
        case .emailBounced: "Email Bounced"
        case .unsubscribed: "Unsubscribed"
        }
    }

    var isPage: Bool { self.rawValue >= RawKind.pageHome.rawValue && self.rawValue <= RawKind.pageCheckout.rawValue }
    var isIdentify: Bool { self.rawValue <= RawKind.identifyUpdate.rawValue }
}

struct RawEvent {
    var time: Int64
    /// Generation order, to break ties in time deterministically.
    var sequence: Int32
    var kind: RawKind
    /// 0 or 1 for the customer's browsers, -1 for server-side events (email).
    var device: Int8
    /// Whether the message carries the user id (false before the customer identified on that device).
    var identified: Bool
    /// Product, category, campaign, search query or order index, by kind.
    var a: Int32
    /// Quantity for `Product Added`.
    var b: Int32
}

struct RawLine {
    var product: Int32
    var quantity: Int32
}

struct RawOrder {
    var number: Int32
    var linesStart: Int32
    var linesCount: Int32
    var cents: Int
}

struct RawHistory {
    var events: [RawEvent] = []
    var lines: [RawLine] = []
    var orders: [RawOrder] = []
}
