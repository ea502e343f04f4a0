import Foundation
import GRDB
import TailorCore
import TailorStore

// MARK: - The event steps' driver on SQLite

extension SQLiteDatabase {
    /// Runs the installed event steps over what a write transaction stored, inside it.
    func runEventSteps(_ db: Database, events: [(profile: ProfileID, message: Message)], changes: [MembershipChange],
                       now: Date) throws {
        let input = EventStepInput(events: events, changes: changes, now: now)
        for (name, var run) in eventSteps.runs(for: input) {
            do {
                try drive(&run, db)
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(.backend, "event step \(name): \(error)")
            }
        }
    }

    /// Answers a portable machine's reads and writes (``StepSQL``) inside the transaction until it is done.
    func drive(_ run: inout some EventStepRun, _ db: Database) throws {
        var rows: [StepRow] = []
        while true {
            switch try run.next(rows) {
            case .read(let query):
                rows = try Row.fetchAll(db, sql: query.sql, arguments: stepArguments(query.values)).map(Self.stepRow)
            case .write(let statements):
                // Writes repeat the same text (one INSERT per row): prepared once per connection.
                for statement in statements {
                    try db.cachedStatement(sql: statement.sql).execute(arguments: stepArguments(statement.values))
                }
                rows = []
            case .done:
                return
            }
        }
    }

    /// A step's values as GRDB binds them (personal ones sealed).
    func stepArguments(_ values: [StepValue]) throws -> StatementArguments {
        StatementArguments(try values.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .null: nil
            case .integer(let i): i
            case .real(let d): d
            case .text(let s): s
            case .blob(let b): b
            case .sealed(let object): try cipher.sealJSON(object)
            }
        })
    }

    static func stepRow(_ row: Row) -> StepRow {
        row.databaseValues.map { value in
            switch value.storage {
            case .null: .null
            case .int64(let i): .integer(i)
            case .double(let d): .real(d)
            case .string(let s): .text(s)
            case .blob(let b): .blob(b)
            }
        }
    }
}
