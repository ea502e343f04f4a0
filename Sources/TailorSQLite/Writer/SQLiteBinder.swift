import Foundation
import GRDB
import GRDBSQLite
import TailorStore

/// Binds a cached statement's parameters straight through SQLite's C API and runs it.
///
/// For the ingest writer's hottest statements only (every event's INSERT, every profile's UPDATE): building
/// GRDB's `StatementArguments` for them (an array of existential values, converted one at a time, then
/// validated) cost the single writer about as much as SQLite's own work on the statement outside `step`.
/// Everything else goes through GRDB. Values are bound as GRDB binds them: text up to its first NUL, copied
/// by SQLite (`SQLITE_TRANSIENT`).
struct SQLiteBinder {
    fileprivate let handle: OpaquePointer
    fileprivate var index: Int32 = 0

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    mutating func bind(_ value: String) {
        index += 1
        // Up to the first NUL, as GRDB binds text everywhere else (a message id must compare equal both ways).
        _ = value.withCString { sqlite3_bind_text(handle, index, $0, -1, Self.transient) }
    }

    mutating func bind(_ value: String?) {
        if let value { bind(value) } else { bindNull() }
    }

    mutating func bind(_ value: Int64) {
        index += 1
        sqlite3_bind_int64(handle, index, value)
    }

    mutating func bind(_ value: Int64?) {
        if let value { bind(value) } else { bindNull() }
    }

    mutating func bind(_ value: Double) {
        index += 1
        sqlite3_bind_double(handle, index, value)
    }

    mutating func bind(_ value: Double?) {
        if let value { bind(value) } else { bindNull() }
    }

    mutating func bind(_ value: Data?) {
        guard let value else { return bindNull() }
        index += 1
        _ = value.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_zeroblob(handle, index, 0) }
            return sqlite3_bind_blob(handle, index, base, Int32(bytes.count), Self.transient)
        }
    }

    private mutating func bindNull() {
        index += 1
        sqlite3_bind_null(handle, index)
    }
}

extension Statement {
    /// Binds every parameter with `bind`, in order, and runs the statement to its end (it must return no rows).
    func run(in db: Database, _ bind: (inout SQLiteBinder) -> Void) throws {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        var binder = SQLiteBinder(handle: handle)
        bind(&binder)
        let expected = sqlite3_bind_parameter_count(handle)
        guard binder.index == expected else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "\(binder.index) values bound for \(expected) parameters", sql: sql)
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
        sqlite3_reset(handle)
    }
}
