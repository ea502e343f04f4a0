import Foundation
import NIOCore
import PostgresNIO
import TailorStore

/// A one-dimensional PostgreSQL array parameter whose elements may be NULL.
///
/// postgres-nio encodes `[String]`, `[Int64]`… but not arrays with NULLs, which batched writes need
/// (`INSERT … SELECT FROM UNNEST($1::text[], $2::int8[], …)` with optional columns). The binary layout is
/// PostgreSQL's `array_send`: dimensions, a has-NULLs flag, the element type, each dimension's length and
/// lower bound, then every element as a length (-1 for NULL) and its bytes.
struct PostgresArray<Element: PostgresEncodable>: PostgresThrowingDynamicTypeEncodable {
    var elements: [Element?]
    let psqlType: PostgresDataType
    var psqlFormat: PostgresFormat { .binary }

    init(_ elements: [Element?], arrayType: PostgresDataType) {
        self.elements = elements
        self.psqlType = arrayType
    }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) throws {
        precondition(Element.psqlFormat == .binary, "array elements are sent in binary")
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: Int32.self)  // dimensions
        buffer.writeInteger(elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)  // has NULLs
        buffer.writeInteger(Element.psqlType.rawValue)  // element type OID
        guard !elements.isEmpty else { return }
        buffer.writeInteger(Int32(elements.count), as: Int32.self)
        buffer.writeInteger(1, as: Int32.self)  // lower bound
        for element in elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            let start = buffer.writerIndex
            try element.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - start), at: lengthIndex, as: Int32.self)
        }
    }
}

extension PostgresArray where Element == String {
    init(_ elements: [String?]) { self.init(elements, arrayType: .textArray) }
}

extension PostgresArray where Element == Int64 {
    init(_ elements: [Int64?]) { self.init(elements, arrayType: .int8Array) }
}

extension PostgresArray where Element == Double {
    init(_ elements: [Double?]) { self.init(elements, arrayType: .float8Array) }
}

extension PostgresArray where Element == Data {
    init(_ elements: [Data?]) { self.init(elements, arrayType: .byteaArray) }
}
