import Foundation

// MARK: - Persistence

/// File format (all integers and floats little-endian):
/// `"TLRALS"`, version UInt16 = 1, factors UInt32, iterations UInt32, regularization Float32,
/// alpha Float32, seed UInt64, users UInt64, items UInt64, user factors (users × factors Float32),
/// item factors (items × factors Float32), then the user ids and the item ids, each as a UInt64
/// count followed by (UInt32 byte length, UTF-8 bytes) per id.
///
/// Floats are written as their bit patterns, so a loaded model is bit-identical to the saved one.
extension ALSModel {
    static let magic = Array("TLRALS".utf8)
    static let formatVersion: UInt16 = 1

    /// The model serialised in the format above.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + (userCount + itemCount) * hyperparameters.factors * 4)
        out.append(contentsOf: Self.magic)
        out.appendLittleEndian(Self.formatVersion)
        out.appendLittleEndian(UInt32(hyperparameters.factors))
        out.appendLittleEndian(UInt32(hyperparameters.iterations))
        out.appendLittleEndian(hyperparameters.regularization.bitPattern)
        out.appendLittleEndian(hyperparameters.alpha.bitPattern)
        out.appendLittleEndian(hyperparameters.seed)
        out.appendLittleEndian(UInt64(userCount))
        out.appendLittleEndian(UInt64(itemCount))
        for factors in [userFactors, itemFactors] {
            for r in 0..<factors.rows { for f in 0..<factors.factors { out.appendLittleEndian(factors.value(r, f).bitPattern) } }
        }
        for index in [users, items] {
            out.appendLittleEndian(UInt64(index.count))
            for id in index.ids {
                let bytes = Array(id.utf8)
                out.appendLittleEndian(UInt32(bytes.count))
                out.append(contentsOf: bytes)
            }
        }
        return out
    }

    /// Reads a model written by ``serialized()``.
    /// - Throws: ``MLError`` `.malformedInput` when the data are truncated or not a model file.
    public init(serialized data: [UInt8]) throws(MLError) {
        var reader = ByteReader(bytes: data)
        guard try reader.bytes(Self.magic.count) == Self.magic else { throw MLError(.malformedInput, "not a TailorML ALS model") }
        let version: UInt16 = try reader.integer()
        guard version == Self.formatVersion else { throw MLError(.malformedInput, "unsupported ALS model version \(version)") }
        let factors = Int(try reader.integer() as UInt32)
        let iterations = Int(try reader.integer() as UInt32)
        let regularization = Float(bitPattern: try reader.integer())
        let alpha = Float(bitPattern: try reader.integer())
        let seed: UInt64 = try reader.integer()
        let userCount = Int(try reader.integer() as UInt64)
        let itemCount = Int(try reader.integer() as UInt64)
        guard factors > 0, (userCount + itemCount) * factors * 4 <= reader.remaining else {
            throw MLError(.malformedInput, "ALS model file is truncated")
        }
        let users = FactorMatrix(rows: userCount, factors: factors)
        let items = FactorMatrix(rows: itemCount, factors: factors)
        for matrix in [users, items] {
            for r in 0..<matrix.rows { for f in 0..<factors { matrix.set(r, f, Float(bitPattern: try reader.integer())) } }
        }
        var indexes: [IDIndex] = []
        for _ in 0..<2 {
            let count = Int(try reader.integer() as UInt64)
            guard count <= reader.remaining else { throw MLError(.malformedInput, "ALS model file is truncated") }
            var ids: [String] = []
            ids.reserveCapacity(count)
            for _ in 0..<count {
                let length = Int(try reader.integer() as UInt32)
                ids.append(String(decoding: try reader.bytes(length), as: UTF8.self))
            }
            indexes.append(IDIndex(ids))
        }
        self.init(
            userFactors: users,
            itemFactors: items,
            hyperparameters: Hyperparameters(factors: factors, regularization: regularization, alpha: alpha, iterations: iterations, seed: seed)
        )
        self.users = indexes[0]
        self.items = indexes[1]
    }

    /// Writes the model to a file (atomically).
    /// - Throws: ``MLError`` `.io` with the path.
    public func save(to path: String) throws(MLError) {
        do { try Data(serialized()).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw MLError(.io, "cannot write ALS model", path: path)
        }
    }

    /// Loads a model from a file written by ``save(to:)``.
    /// - Throws: ``MLError`` `.io` or `.malformedInput` with the path.
    public static func load(from path: String) throws(MLError) -> ALSModel {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw MLError(.io, "cannot read ALS model", path: path) }
        do { return try ALSModel(serialized: [UInt8](data)) } catch {
            var located = error
            located.path = path
            throw located
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

private struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    var remaining: Int { bytes.count - offset }

    mutating func bytes(_ count: Int) throws(MLError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw MLError(.malformedInput, "ALS model file is truncated") }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func integer<T: FixedWidthInteger>() throws(MLError) -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw MLError(.malformedInput, "ALS model file is truncated") }
        var value: T = 0
        for i in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + i]) << (8 * i) }
        offset += size
        return value
    }
}
