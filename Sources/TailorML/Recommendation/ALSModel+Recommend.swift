// MARK: - Recommending

extension ALSModel {
    /// Top-`count` items for one user by predicted preference.
    /// - Parameters:
    ///   - user: user index (0..<userCount); users without history should get
    ///     ``PopularityRecommender`` lists instead.
    ///   - count: number of items wanted.
    ///   - excluding: the training matrix; the user's items in it are never recommended.
    ///   - rejecting: further items to skip (out of stock, not allowed), by item index.
    public func recommend(
        user: Int,
        count: Int,
        excluding training: InteractionMatrix? = nil,
        rejecting: ((Int) -> Bool)? = nil
    ) -> [ScoredItem] {
        precondition(user >= 0 && user < userCount, "user index out of range")
        var top = TopK(count)
        let u = userFactors.row(user)
        let chunks = userFactors.chunks
        for i in 0..<itemCount {
            let s = dot(u, itemFactors.row(i), chunks)
            guard s > top.threshold else { continue }
            if let training, user < training.rowCount, training.contains(row: user, column: i) { continue }
            if let rejecting, rejecting(i) { continue }
            top.offer(Int32(i), s)
        }
        return top.result
    }

    /// Top-`count` items for many users at once: scores are computed tile by tile (8 users × 16
    /// items in SIMD registers), on `threads` threads, and the same exclusions as
    /// ``recommend(user:count:excluding:rejecting:)`` apply.
    /// - Parameters:
    ///   - rejected: items never to recommend (`rejected[i] == true`), or nil.
    /// - Returns: one list per requested user, in the order of `users`.
    public func recommend(
        users: [Int],
        count: Int,
        excluding training: InteractionMatrix? = nil,
        rejected: [Bool]? = nil,
        threads: Int = Parallel.defaultThreadCount
    ) -> [[ScoredItem]] {
        precondition(users.allSatisfy { $0 >= 0 && $0 < userCount }, "user index out of range")
        let f = hyperparameters.factors
        let panels = (itemCount + 15) / 16
        // Item factors packed by panels of 16 items: panel p, factor j → items 16p..16p+15.
        let packed = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: max(1, panels * f))
        defer { packed.deallocate() }
        for p in 0..<panels {
            for j in 0..<f {
                var v = SIMD16<Float>()
                for lane in 0..<16 where p * 16 + lane < itemCount { v[lane] = itemFactors.value(p * 16 + lane, j) }
                packed[p * f + j] = v
            }
        }
        let tiles = (users.count + 7) / 8
        let results = UnsafeMutablePointer<[ScoredItem]>.allocate(capacity: users.count)
        results.initialize(repeating: [], count: users.count)
        defer { results.deinitialize(count: users.count).deallocate() }
        let shared = UncheckedSendable((packed, results))
        let itemCount = itemCount
        users.withUnsafeBufferPointer { users in
            Parallel.forEachChunk(count: tiles, chunkSize: 4, threads: threads) { tileRange, _ in
                let (packed, results) = shared.value
                let tile = UnsafeMutablePointer<Float>.allocate(capacity: 8 * f)
                defer { tile.deallocate() }
                var tops = (0..<8).map { _ in TopK(count) }
                for t in tileRange {
                    let first = t * 8
                    let used = min(8, users.count - first)
                    // tile[j·8 + r] = factor j of the tile's r-th user (zero for unused rows).
                    for r in 0..<8 {
                        for j in 0..<f { tile[j * 8 + r] = r < used ? userFactors.value(users[first + r], j) : 0 }
                    }
                    for r in 0..<used { tops[r].reset() }
                    for p in 0..<panels {
                        var a0 = SIMD16<Float>()
                        var a1 = SIMD16<Float>()
                        var a2 = SIMD16<Float>()
                        var a3 = SIMD16<Float>()
                        var a4 = SIMD16<Float>()
                        var a5 = SIMD16<Float>()
                        var a6 = SIMD16<Float>()
                        var a7 = SIMD16<Float>()
                        let panel = packed + p * f
                        for j in 0..<f {
                            let v = panel[j]
                            let s = tile + j * 8
                            a0 += v * SIMD16(repeating: s[0])
                            a1 += v * SIMD16(repeating: s[1])
                            a2 += v * SIMD16(repeating: s[2])
                            a3 += v * SIMD16(repeating: s[3])
                            a4 += v * SIMD16(repeating: s[4])
                            a5 += v * SIMD16(repeating: s[5])
                            a6 += v * SIMD16(repeating: s[6])
                            a7 += v * SIMD16(repeating: s[7])
                        }
                        let accumulators = (a0, a1, a2, a3, a4, a5, a6, a7)
                        for r in 0..<used {
                            let scores: SIMD16<Float>
                            switch r {
                            case 0: scores = accumulators.0
                            case 1: scores = accumulators.1
                            case 2: scores = accumulators.2
                            case 3: scores = accumulators.3
                            case 4: scores = accumulators.4
                            case 5: scores = accumulators.5
                            case 6: scores = accumulators.6
                            default: scores = accumulators.7
                            }
                            guard mayExceed(scores, tops[r].threshold) else { continue }
                            let user = users[first + r]
                            for lane in 0..<16 {
                                let item = p * 16 + lane
                                guard item < itemCount, scores[lane] > tops[r].threshold else { continue }
                                if let training, user < training.rowCount, training.contains(row: user, column: item) { continue }
                                if let rejected, item < rejected.count, rejected[item] { continue }
                                tops[r].offer(Int32(item), scores[lane])
                            }
                        }
                    }
                    for r in 0..<used { results[first + r] = tops[r].result }
                }
            }
        }
        return Array(UnsafeBufferPointer(start: results, count: users.count))
    }

    /// The `count` items most similar to `item` by cosine similarity of their factors (the item
    /// itself excluded).
    public func similarItems(to item: Int, count: Int, rejecting: ((Int) -> Bool)? = nil) -> [ScoredItem] {
        precondition(item >= 0 && item < itemCount, "item index out of range")
        let chunks = itemFactors.chunks
        let target = itemFactors.row(item)
        let targetNorm = dot(target, target, chunks).squareRoot()
        guard targetNorm > 0 else { return [] }
        var top = TopK(count)
        for i in 0..<itemCount where i != item {
            let y = itemFactors.row(i)
            let norm = dot(y, y, chunks).squareRoot()
            guard norm > 0 else { continue }
            let s = dot(target, y, chunks) / (norm * targetNorm)
            guard s > top.threshold else { continue }
            if let rejecting, rejecting(i) { continue }
            top.offer(Int32(i), s)
        }
        return top.result
    }
}

// MARK: - By identifier, with a fallback

extension ALSModel {
    /// Top-`count` items for a user given by identifier: ALS lists for users the model knows, the
    /// popularity (or popular-in-category) list for the others (new users without history).
    /// - Parameters:
    ///   - userID: the user's identifier (``users``).
    ///   - excluding: the training matrix whose items the user already has.
    ///   - fallback: the recommender for unknown users (built on the same training matrix).
    ///   - category: for unknown users, restrict the fallback to this category.
    ///   - rejecting: items never to recommend.
    /// - Returns: items by index, with ``items`` giving their identifiers.
    public func recommend(
        userID: String,
        count: Int,
        excluding training: InteractionMatrix? = nil,
        fallback: PopularityRecommender,
        category: Int? = nil,
        rejecting: ((Int) -> Bool)? = nil
    ) -> [ScoredItem] {
        if let index = users.index(of: userID), Int(index) < userCount {
            return recommend(user: Int(index), count: count, excluding: training, rejecting: rejecting)
        }
        return fallback.recommend(count: count, category: category, rejecting: rejecting)
    }
}
