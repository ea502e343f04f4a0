import Foundation

/// The hidden traits that drive one customer's behaviour (never sent as traits).
struct Behaviour {
    /// First session in the window: sign-up, or the first login of a customer from before it.
    var activeFrom: Int64
    /// When the customer stops coming (may lie after `now`: still active).
    var activeUntil: Int64
    var legacy: Bool
    /// A "power" customer: a household that took to restocking here several times a month since
    /// `powerFrom` (a few weeks to months before `now`), and buys as an ordinary customer before.
    var power: Bool
    var powerFrom: Int64
    var powerOrdersPerDay: Double
    var ordersPerDay: Double
    var browsePerDay: Double
    /// Share of shopping sessions that end in an order.
    var completion: Double
    var openProbability: Double
    var clickProbability: Double
    var reopenMean: Double
    var badAddress: Bool
    var secondDevice: Bool
    var updatesTraits: Bool
}

/// One planned visit to the shop.
struct SessionPlan {
    enum Mode: UInt8 {
        /// Before sign-up: anonymous id only.
        case anonymous
        /// Starts anonymous, then the customer signs up (or logs in) and is identified.
        case signup
        /// A logged-in customer (on a second device, the first visit logs in first).
        case known
    }

    var time: Int64
    var mode: Mode
    var shopping: Bool
    /// The customer leaves with the cart full (the still-open carts just before `now`).
    var abandon = false
    /// Landing category when the visit comes from an email click, else -1.
    var landingCategory: Int32 = -1
    var updatesTraits = false
    /// The customer comes back to the cart they left, to buy it.
    var resumesCart = false
}

/// Simulates one customer over the window, in time order, into a ``RawHistory``.
struct CustomerSimulation {
    let catalog: DemoCatalog
    let campaigns: DemoCampaigns
    let search: DemoSearch
    let nowMs: Int64
    let city: DemoCity
    let affinity: WeightedTable
    let favorites: [Int]
    let optIn: Bool
    let behaviour: Behaviour
    /// The customer's taste: a preferred brand per category and a preferred price band. It only steers which
    /// product of a category they look at and buy, from a stream of its own, so every other draw of the
    /// simulation is the same with or without it.
    let preferredBrand: [Int]
    let preferredBand: Int
    var tasteRNG: DemoRandom
    var rng: DemoRandom

    var history = RawHistory()
    var cart: [RawLine] = []
    var cartChangedAt: Int64 = 0
    var lastSessionEnd: Int64 = .min / 2
    var lastEngagement: Int64
    var secondDeviceLinked = false
    /// Whether the sign-up `identify` has been sent: no email goes to a customer before it.
    var signedUp = false
    var subscribed = true
    var suppressed = false
    var checkouts: Int32 = 0
    var sequence: Int32 = 0

    init(shop: DemoShop, index: Int, city: Int, favorites: [Int], optIn: Bool) {
        catalog = shop.catalog
        campaigns = shop.campaigns
        search = shop.search
        nowMs = shop.nowMs
        self.city = DemoGeography.cities[city]
        self.favorites = favorites
        self.optIn = optIn
        var weights = DemoCategory.all.map(\.affinity)
        for f in favorites { weights[f] *= 4 }
        affinity = WeightedTable(weights)
        rng = DemoRandom(seed: shop.seed, stream: 3, substream: UInt64(index))
        var taste = DemoRandom(seed: shop.seed, stream: 5, substream: UInt64(index))
        preferredBrand = DemoCategory.all.map { taste.int($0.brands.count) }
        preferredBand = taste.int(3)
        tasteRNG = taste

        let signup = shop.signupTime(index)
        let legacy = signup < shop.startMs
        let power = rng.chance(0.012)
        let activeFrom = legacy ? shop.startMs + Int64(rng.uniform(0, 45) * Double(DemoTime.day)) : signup
        let lifetimeDays = power ? 100 * 365 : rng.exponential(mean: 10 * 30)
        let ordersPerMonth = min(4, rng.logNormal(median: 0.15, sigma: 1.1))
        let powerFrom = max(activeFrom, shop.nowMs - Int64(rng.uniform(40, 150) * Double(DemoTime.day)))
        let openProbability = rng.beta(1.1, 2.6)
        behaviour = Behaviour(
            activeFrom: activeFrom,
            activeUntil: activeFrom + Int64(lifetimeDays * Double(DemoTime.day)),
            legacy: legacy,
            power: power,
            powerFrom: powerFrom,
            powerOrdersPerDay: rng.uniform(7, 12) / 30,
            ordersPerDay: ordersPerMonth / 30,
            browsePerDay: (rng.logNormal(median: 0.25, sigma: 0.8) + 0.25 * ordersPerMonth) / 30,
            completion: rng.uniform(0.55, 0.8),
            openProbability: openProbability,
            clickProbability: rng.beta(1.2, 6),
            reopenMean: 2.5 * openProbability * openProbability,
            badAddress: rng.chance(0.008),
            secondDevice: rng.chance(0.25),
            updatesTraits: rng.chance(0.1)
        )
        lastEngagement = activeFrom
    }

    /// A product of the category for this customer: drawn by popularity, then drawn again while it is not of
    /// their brand (nine times in ten) or, half the time, not of their price band, as people keep to the
    /// brands and prices they like.
    mutating func product(in category: Int) -> Int {
        var product = catalog.product(in: category, &rng)
        let keepsBrand = !tasteRNG.chance(0.1)
        let keepsBand = tasteRNG.chance(0.5)
        var tries = 0
        while tries < 40, (keepsBrand && catalog.brand[product] != preferredBrand[category])
            || (keepsBand && catalog.priceBand[product] != preferredBand) {
            product = catalog.product(in: category, &tasteRNG)
            tries += 1
        }
        return product
    }

    // MARK: - Plan and run

    mutating func run() -> RawHistory {
        var plans = planSessions()
        var p = 0
        var c = campaigns.firstIndex(after: behaviour.activeFrom + DemoTime.hour)
        while true {
            let pt = p < plans.count ? plans[p].time : .max
            let ct = c < campaigns.list.count ? campaigns.list[c].time : .max
            if pt == .max && ct == .max { break }
            var followUp: SessionPlan?
            if pt <= ct {
                followUp = session(plans[p])
                p += 1
            } else {
                followUp = email(c)
                c += 1
            }
            if let visit = followUp {
                // Keep the plans sorted: insert the visit after the ones already due.
                var i = p
                while i < plans.count && plans[i].time <= visit.time { i += 1 }
                plans.insert(visit, at: i)
            }
        }
        return history
    }

    mutating func planSessions() -> [SessionPlan] {
        let b = behaviour
        var plans: [SessionPlan] = []
        if !b.legacy {
            for _ in 0..<rng.poisson(0.9) {
                let t = b.activeFrom - Int64(rng.uniform(10, 21 * 24 * 60) * Double(DemoTime.minute))
                plans.append(SessionPlan(time: t, mode: .anonymous, shopping: rng.chance(0.25)))
            }
        }
        plans.append(SessionPlan(time: b.activeFrom, mode: .signup, shopping: rng.chance(b.legacy ? 0.25 : 0.5)))

        let shopRate = b.ordersPerDay / b.completion
        let rate = (shopRate + b.browsePerDay) * DemoTime.maxSeason
        let end = min(b.activeUntil, nowMs)
        visits(
            from: b.activeFrom,
            to: b.power ? b.powerFrom : end,
            rate: rate,
            shopShare: shopRate / (shopRate + b.browsePerDay),
            into: &plans
        )
        if b.power {
            // Restocking: short, decisive visits that nearly always end in an order.
            let power = b.powerOrdersPerDay / 0.9
            visits(
                from: b.powerFrom,
                to: end,
                rate: (power + b.browsePerDay) * DemoTime.maxSeason,
                shopShare: power / (power + b.browsePerDay),
                into: &plans
            )
        }
        // A few customers are filling a cart right now, or left one in the last days.
        if b.activeUntil > nowMs && rng.chance(0.04) {
            let minutesAgo = rng.chance(0.3) ? rng.uniform(3, 55) : rng.uniform(60, 72 * 60)
            let time = nowMs - Int64(minutesAgo * Double(DemoTime.minute))
            if time > b.activeFrom {
                plans.append(SessionPlan(time: time, mode: .known, shopping: true, abandon: true))
            }
        }
        plans.sort { $0.time < $1.time }
        if b.updatesTraits {
            let known = plans.indices.filter { plans[$0].mode == .known }
            if !known.isEmpty { plans[known[rng.int(known.count)]].updatesTraits = true }
        }
        return plans
    }

    /// Visits between two times as a Poisson process thinned by the season, at the hours people shop in
    /// their time zone.
    mutating func visits(from: Int64, to end: Int64, rate: Double, shopShare: Double, into plans: inout [SessionPlan]) {
        var t = Double(from)
        let meanGap = Double(DemoTime.day) / rate
        while true {
            t += rng.exponential(mean: meanGap)
            guard t <= Double(end) else { break }
            let time = Int64(t)
            guard rng.chance(DemoTime.season(day: time / DemoTime.day) / DemoTime.maxSeason) else { continue }
            let shopping = rng.chance(shopShare)
            plans.append(SessionPlan(time: localTimeOfDay(time, notBefore: from), mode: .known, shopping: shopping))
        }
    }

    /// Moves a time to the same local day, at an hour drawn from when people shop (lunch, evenings).
    mutating func localTimeOfDay(_ time: Int64, notBefore: Int64) -> Int64 {
        let offset = Int64(city.utcOffset) * DemoTime.hour
        let localDay = (time + offset) / DemoTime.day
        let hour = Int64(DemoTime.hourTable.sample(&rng))
        let moved = localDay * DemoTime.day + hour * DemoTime.hour + Int64(rng.int(Int(DemoTime.hour))) - offset
        return moved < notBefore || moved > nowMs ? time : moved
    }

    // MARK: - Events

    @discardableResult
    mutating func emit(_ kind: RawKind, at time: Int64, device: Int8, identified: Bool, a: Int32 = 0, b: Int32 = 0) -> Bool {
        guard time <= nowMs else { return false }
        history.events.append(RawEvent(time: time, sequence: sequence, kind: kind, device: device, identified: identified, a: a, b: b))
        sequence += 1
        if device >= 0 { lastEngagement = max(lastEngagement, time) }
        return true
    }

    // MARK: - Sessions

    /// Runs a visit; returns the visit it leads to (coming back for an abandoned cart), if any.
    mutating func session(_ plan: SessionPlan) -> SessionPlan? {
        var t = max(plan.time, lastSessionEnd + 5 * DemoTime.minute)
        guard t <= nowMs else { return nil }
        let device: Int8 = plan.mode == .known && behaviour.secondDevice && rng.chance(0.35) ? 1 : 0
        var identified = plan.mode == .known && !(device == 1 && !secondDeviceLinked)
        var identifyKind: RawKind? = nil
        var pagesBeforeIdentify = 0
        if plan.mode == .signup {
            identifyKind = .identify
            pagesBeforeIdentify = 1 + rng.int(2)
        } else if plan.mode == .known && !identified {
            identifyKind = .identifyLogin
            pagesBeforeIdentify = 1 + rng.int(2)
        }
        var pages = 0
        var open = true

        func advance(_ t: inout Int64, _ rng: inout DemoRandom) {
            t += Int64(min(15 * 60_000, max(2_000, rng.logNormal(median: 25_000, sigma: 0.9))))
        }

        // One page (plus the track call that goes with it), then identification when it is due.
        func page(_ sim: inout CustomerSimulation, _ kind: RawKind, _ a: Int32) {
            guard open else { return }
            open = sim.emit(kind, at: t, device: device, identified: identified, a: a)
            guard open else { return }
            switch kind {
            case .pageProduct:
                t += 200 + Int64(sim.rng.int(700))
                open = sim.emit(.productViewed, at: t, device: device, identified: identified, a: a)
            case .pageSearch:
                t += 100 + Int64(sim.rng.int(300))
                open = sim.emit(.productsSearched, at: t, device: device, identified: identified, a: a)
            default: break
            }
            pages += 1
            advance(&t, &sim.rng)
            if open, let kind = identifyKind, pages >= pagesBeforeIdentify {
                open = sim.emit(kind, at: t, device: device, identified: true)
                identified = true
                identifyKind = nil
                if device == 1 { sim.secondDeviceLinked = true }
                if kind == .identify { sim.signedUp = true }
                advance(&t, &sim.rng)
            }
        }

        func cartEvent(_ sim: inout CustomerSimulation, _ kind: RawKind, product: Int32, quantity: Int32) {
            guard open else { return }
            open = sim.emit(kind, at: t, device: device, identified: identified, a: product, b: quantity)
            guard open else { return }
            if kind == .productAdded {
                if let i = sim.cart.firstIndex(where: { $0.product == product }) {
                    sim.cart[i].quantity += quantity
                } else {
                    sim.cart.append(RawLine(product: product, quantity: quantity))
                }
            } else {
                sim.cart.removeAll { $0.product == product }
            }
            sim.cartChangedAt = t
            advance(&t, &sim.rng)
        }

        // Landing.
        if plan.resumesCart {
            page(&self, .pageCart, 0)
        } else if plan.landingCategory >= 0 {
            page(&self, .pageCategory, plan.landingCategory)
        } else {
            let u = rng.unit()
            if u < 0.5 {
                page(&self, .pageHome, 0)
            } else if u < 0.75 {
                page(&self, .pageCategory, Int32(affinity.sample(&rng)))
            } else {
                let category = affinity.sample(&rng)
                page(&self, .pageProduct, Int32(product(in: category)))
            }
        }
        if plan.updatesTraits && open && identified {
            open = emit(.identifyUpdate, at: t, device: device, identified: true)
            advance(&t, &rng)
        }
        // A returning customer clears out some of a cart left weeks ago.
        if !cart.isEmpty && t - cartChangedAt > 14 * DemoTime.day && rng.chance(0.7) {
            page(&self, .pageCart, 0)
            for line in cart where rng.chance(0.7) {
                cartEvent(&self, .productRemoved, product: line.product, quantity: 0)
            }
        }

        if !plan.shopping {
            let extra = rng.poisson(1.3)
            for _ in 0..<extra where open {
                let u = rng.unit()
                let category = affinity.sample(&rng)
                if u < 0.35 {
                    page(&self, .pageCategory, Int32(category))
                } else if u < 0.85 {
                    page(&self, .pageProduct, Int32(product(in: category)))
                } else {
                    page(&self, .pageSearch, Int32(search.query(in: category, &rng)))
                }
            }
            // Someone who has not signed up yet still has to, before the visit ends.
            while open && identifyKind != nil { page(&self, .pageHome, 0) }
            lastSessionEnd = t
            return nil
        }

        // Shopping: view products, put some in the cart.
        let adds = plan.resumesCart ? 0 : behaviour.power && t >= behaviour.powerFrom ? 2 + rng.poisson(1.5) : 1 + rng.poisson(0.4)
        var added = 0
        var tries = 0
        while added < adds && open && tries < adds * 4 {
            tries += 1
            let category = affinity.sample(&rng)
            if !(behaviour.power && t >= behaviour.powerFrom) && rng.chance(0.3) { page(&self, .pageCategory, Int32(category)) }
            if rng.chance(0.1) { page(&self, .pageSearch, Int32(search.query(in: category, &rng))) }
            var product = self.product(in: category)
            page(&self, .pageProduct, Int32(product))
            if !(behaviour.power && t >= behaviour.powerFrom) && rng.chance(0.2) {
                product = self.product(in: category)
                page(&self, .pageProduct, Int32(product))
            }
            guard catalog.inStock[product] else { continue }
            let maxQuantity = catalog.maxQuantity[category]
            let quantity = maxQuantity > 1 && rng.chance(0.25) ? 2 + rng.int(maxQuantity - 1) : 1
            cartEvent(&self, .productAdded, product: Int32(product), quantity: Int32(quantity))
            added += 1
        }
        if open && cart.count > 1 && rng.chance(0.1) {
            cartEvent(&self, .productRemoved, product: cart[cart.count - 1].product, quantity: 0)
        }
        while open && identifyKind != nil { page(&self, .pageHome, 0) }
        guard open, !cart.isEmpty, identified else {
            lastSessionEnd = t
            return nil
        }

        // Checkout: complete, give up at checkout, or leave with the cart.
        let u = rng.unit()
        let restocking = behaviour.power && t >= behaviour.powerFrom
        let complete = !plan.abandon && u < (restocking ? 0.9 : plan.resumesCart ? 0.8 : behaviour.completion)
        let atCheckout = complete || (plan.abandon ? rng.chance(0.3) : u < behaviour.completion + (1 - behaviour.completion) * 0.35)
        if !plan.resumesCart && (atCheckout || rng.chance(0.6)) { page(&self, .pageCart, 0) }
        if atCheckout {
            page(&self, .pageCheckout, 0)
            checkouts += 1
            let order = RawOrder(
                number: checkouts,
                linesStart: Int32(history.lines.count),
                linesCount: Int32(cart.count),
                cents: cart.reduce(0) { $0 + catalog.priceCents[Int($1.product)] * Int($1.quantity) }
            )
            if open {
                open = emit(.checkoutStarted, at: t, device: device, identified: true, a: Int32(history.orders.count))
                if open {
                    history.lines.append(contentsOf: cart)
                    history.orders.append(order)
                }
            }
            if open && complete {
                t += Int64(rng.uniform(60, 420) * 1000)
                if emit(.orderCompleted, at: t, device: device, identified: true, a: Int32(history.orders.count - 1)) {
                    cart.removeAll()
                    cartChangedAt = t
                }
            }
        }
        lastSessionEnd = t
        // Many who leave a cart come back within a day or two to buy it.
        if !cart.isEmpty && !plan.abandon && !plan.resumesCart && rng.chance(0.35) {
            let back = t + Int64(rng.logNormal(median: 20 * 3_600_000, sigma: 0.8))
            return SessionPlan(time: back, mode: .known, shopping: true, resumesCart: true)
        }
        return nil
    }

    // MARK: - Email

    /// Sends campaign `index` if the customer gets it, with the opens, clicks and unsubscribes that follow.
    /// Returns the visit a click leads to, if any.
    mutating func email(_ index: Int) -> SessionPlan? {
        guard optIn, signedUp, subscribed, !suppressed else { return nil }
        let campaign = campaigns.list[index]
        let b = behaviour
        // Sunset policy: nobody who has not opened or visited in 120 days gets mail.
        if campaign.time - lastEngagement > 120 * DemoTime.day {
            suppressed = true
            return nil
        }
        // Engaged subscribers (who open most of what they get) are on every send; the others get
        // a share that grows with their engagement and their interest in the featured category.
        var p = b.openProbability > 0.6 ? 1 : campaign.audience * (0.3 + 2 * b.openProbability)
        if favorites.contains(campaign.category) { p *= 1.3 }
        guard rng.chance(p) else { return nil }
        let sent = campaign.time + Int64(rng.int(20 * 60_000))
        let a = Int32(index)
        guard emit(.emailSent, at: sent, device: -1, identified: true, a: a) else { return nil }
        if b.badAddress {
            emit(.emailBounced, at: sent + 30_000 + Int64(rng.int(60_000)), device: -1, identified: true, a: a)
            suppressed = true
            return nil
        }
        guard rng.chance(b.openProbability) else { return nil }
        let opened = sent + Int64(min(4 * 86_400_000, rng.logNormal(median: 2.5 * 3_600_000, sigma: 1.2)))
        guard opened < b.activeUntil, emit(.emailOpened, at: opened, device: -1, identified: true, a: a) else { return nil }
        lastEngagement = max(lastEngagement, opened)
        for _ in 0..<rng.poisson(b.reopenMean) {
            let again = opened + Int64(min(3 * 86_400_000, rng.logNormal(median: 5 * 3_600_000, sigma: 1.2)))
            if again < b.activeUntil { emit(.emailOpened, at: again, device: -1, identified: true, a: a) }
        }
        if rng.chance(0.004) {
            emit(.unsubscribed, at: opened + 40_000, device: -1, identified: true, a: a)
            subscribed = false
            return nil
        }
        guard rng.chance(b.clickProbability) else { return nil }
        let clicked = opened + Int64(rng.uniform(10, 180) * 1000)
        guard emit(.emailClicked, at: clicked, device: -1, identified: true, a: a) else { return nil }
        lastEngagement = max(lastEngagement, clicked)
        guard rng.chance(0.75) else { return nil }
        return SessionPlan(time: clicked + 3_000, mode: .known, shopping: rng.chance(0.25), landingCategory: Int32(campaign.category))
    }
}
