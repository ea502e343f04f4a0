/// An item with its score, as returned by the recommenders.
public struct ScoredItem: Sendable, Hashable {
    /// Item index (column of the interaction matrix).
    public var item: Int
    /// Score: predicted preference, cosine similarity or popularity, depending on the source.
    public var score: Float

    /// Creates a scored item.
    public init(item: Int, score: Float) {
        self.item = item
        self.score = score
    }
}

/// The k best (highest score) items seen so far, sorted best first. Items are offered in
/// increasing index order, and an equal score never displaces an earlier item, so ties rank by
/// lower index.
struct TopK {
    let k: Int
    private(set) var items: [Int32] = []
    private(set) var scores: [Float] = []

    init(_ k: Int) {
        self.k = k
        items.reserveCapacity(k)
        scores.reserveCapacity(k)
    }

    /// The score an item must exceed to enter.
    @inline(__always) var threshold: Float { scores.count < k ? -.infinity : scores[k - 1] }

    mutating func offer(_ item: Int32, _ score: Float) {
        guard k > 0, score > threshold else { return }
        if scores.count < k {
            items.append(item)
            scores.append(score)
        } else {
            items[k - 1] = item
            scores[k - 1] = score
        }
        var i = scores.count - 1
        while i > 0 && scores[i - 1] < scores[i] {
            scores.swapAt(i, i - 1)
            items.swapAt(i, i - 1)
            i -= 1
        }
    }

    mutating func reset() {
        items.removeAll(keepingCapacity: true)
        scores.removeAll(keepingCapacity: true)
    }

    var result: [ScoredItem] { zip(items, scores).map { ScoredItem(item: Int($0), score: $1) } }
}
