public import Foundation
public import TailorML
import TailorStore

/// A trained recommendation model as Tailor keeps it: the ALS factors of profiles and products, the
/// popularity of each product (distinct profiles that interacted with it, for the cold-start fallback),
/// and how and when it was trained.
///
/// It also says which ranking it serves: `recommend train` evaluates ALS against popularity within each
/// profile's favourite category on a time split and keeps the better (``Strategy``).
///
/// File format (little-endian): `"TLRREC"`, version UInt16 = 2, the served strategy UInt8 (0 ALS, 1
/// popular in category; absent in version 1 files, which serve ALS), trained-at Int64 milliseconds,
/// interactions UInt64, weights UInt32 count then (UInt32 length, UTF-8 kind, Float64 bits) sorted by kind,
/// popularity UInt64 count then Float32 bits per item (in the ALS item order), then the ALS model in
/// TailorML's own format (`ALSModel.serialized()`) to the end. Floats are kept as bit patterns, so a
/// loaded model is bit-identical and saving it again gives the same bytes.
public struct RecommendationModel: Sendable {
    /// Profiles (users) and products (items) with their factors.
    public var als: ALSModel
    /// Popularity of each item of `als`, by item index.
    public var popularity: [Float]
    /// The weights interactions were trained with.
    public var weights: InteractionWeights
    /// When it was trained (the clock's now).
    public var trainedAt: Date
    /// Distinct (profile, product) pairs trained on.
    public var interactions: Int
    /// The ranking recommendations are served with.
    public var strategy: Strategy

    /// Which ranking a model serves.
    public enum Strategy: UInt8, Sendable, Hashable, CaseIterable {
        /// The ALS model's prediction for profiles it knows (popular in category for the others).
        case als = 0
        /// The most popular products of the category each profile interacted with most.
        case popularInCategory = 1

        public var name: String { self == .als ? "als" : "popular_in_category" }
    }

    public init(als: ALSModel, popularity: [Float], weights: InteractionWeights, trainedAt: Date, interactions: Int,
                strategy: Strategy = .als) {
        self.strategy = strategy
        self.als = als
        self.popularity = popularity
        self.weights = weights
        self.trainedAt = trainedAt
        self.interactions = interactions
    }

    static let magic = Array("TLRREC".utf8)
    static let version: UInt16 = 2

    /// The model in the file format above.
    public func serialized() -> [UInt8] {
        var out = Self.magic
        out.appendLE(Self.version)
        out.append(strategy.rawValue)
        out.appendLE(UInt64(bitPattern: trainedAt.millisecondsSince1970))
        out.appendLE(UInt64(interactions))
        let kinds = weights.weights.keys.sorted()
        out.appendLE(UInt32(kinds.count))
        for kind in kinds {
            let bytes = Array(kind.utf8)
            out.appendLE(UInt32(bytes.count))
            out += bytes
            out.appendLE(weights.weights[kind]!.bitPattern)
        }
        out.appendLE(UInt64(popularity.count))
        for p in popularity { out.appendLE(p.bitPattern) }
        out += als.serialized()
        return out
    }

    /// Reads a model written by ``serialized()``.
    /// - Throws: ``ModelError`` `.corruptModel` when the bytes are not such a model.
    public init(serialized bytes: [UInt8]) throws(ModelError) {
        var reader = ByteReader(bytes: bytes)
        guard let head = reader.take(Self.magic.count), Array(head) == Self.magic else {
            throw ModelError(.corruptModel, "not a Tailor recommendation model")
        }
        guard let version: UInt16 = reader.read(), version == 1 || version == Self.version else {
            throw ModelError(.corruptModel, "unsupported recommendation model version")
        }
        var strategy = Strategy.als
        if version >= 2 {
            guard let code: UInt8 = reader.read(), let served = Strategy(rawValue: code) else {
                throw ModelError(.corruptModel, "unknown recommendation strategy")
            }
            strategy = served
        }
        guard let trained: UInt64 = reader.read(), let interactions: UInt64 = reader.read(), let kindCount: UInt32 = reader.read() else {
            throw ModelError(.corruptModel, "truncated recommendation model header")
        }
        var weights: [String: Double] = [:]
        for _ in 0..<kindCount {
            guard let length: UInt32 = reader.read(), let name = reader.take(Int(length)), let bits: UInt64 = reader.read() else {
                throw ModelError(.corruptModel, "truncated recommendation model weights")
            }
            weights[String(decoding: name, as: UTF8.self)] = Double(bitPattern: bits)
        }
        guard let count: UInt64 = reader.read(), count <= UInt64(bytes.count) else {
            throw ModelError(.corruptModel, "truncated recommendation model popularity")
        }
        var popularity: [Float] = []
        popularity.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let bits: UInt32 = reader.read() else { throw ModelError(.corruptModel, "truncated recommendation model popularity") }
            popularity.append(Float(bitPattern: bits))
        }
        let als: ALSModel
        do { als = try ALSModel(serialized: Array(reader.rest)) } catch { throw ModelError(.corruptModel, "ALS part: \(error.message)") }
        guard popularity.count == als.itemCount else { throw ModelError(.corruptModel, "popularity and items disagree") }
        self.init(als: als, popularity: popularity, weights: InteractionWeights(weights),
                  trainedAt: Date(millisecondsSince1970: Int64(bitPattern: trained)),
                  interactions: Int(interactions), strategy: strategy)
    }

    /// Writes the model to `path` atomically (a temporary file renamed over it), creating the directory.
    /// - Throws: ``ModelError`` when the file cannot be written.
    public func save(to path: String) throws(ModelError) {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(serialized()).write(to: url, options: .atomic)
        } catch {
            throw ModelError(.invalidArgument, "cannot write the recommendation model", path: path)
        }
    }

    /// Reads the model saved at `path`.
    /// - Throws: ``ModelError`` `.noModel` when there is no file, `.corruptModel` when it is not a model.
    public static func load(from path: String) throws(ModelError) -> RecommendationModel {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelError(.noModel, "no recommendation model has been trained yet (run `tailor recommend train`)", path: path)
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ModelError(.corruptModel, "cannot read the recommendation model", path: path)
        }
        do { return try RecommendationModel(serialized: [UInt8](data)) } catch { throw ModelError(error.kind, error.message, path: path) }
    }

    /// Where the model is kept: `TAILOR_MODELS_DIR/recommendations.als` when a models directory is set, else
    /// beside the SQLite file (`PATH.als`, as the key file is `PATH.key`), else `./tailor.als` (PostgreSQL).
    public static func defaultPath(databaseURL: String, modelsDirectory: String?) -> String {
        if let dir = modelsDirectory, !dir.isEmpty { return URL(fileURLWithPath: dir).appendingPathComponent("recommendations.als").path }
        if DatabaseURL.isPostgres(databaseURL) { return "./tailor.als" }
        return DatabaseURL.sqlitePath(databaseURL) + ".als"
    }
}

// MARK: - Bytes

extension [UInt8] {
    fileprivate mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

/// Reads little-endian integers and byte runs from the front of a buffer.
private struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
        guard n >= 0, offset + n <= bytes.count else { return nil }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    mutating func read<T: FixedWidthInteger>() -> T? {
        guard let slice = take(MemoryLayout<T>.size) else { return nil }
        var value: T = 0
        for (i, b) in slice.enumerated() { value |= T(truncatingIfNeeded: b) << (8 * i) }
        return value
    }

    var rest: ArraySlice<UInt8> { bytes[offset...] }
}
