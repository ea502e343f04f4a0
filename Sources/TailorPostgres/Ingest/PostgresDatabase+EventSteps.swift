import Foundation
import PostgresNIO
import TailorCore
import TailorStore

// MARK: - The event steps' driver on PostgreSQL

extension PostgresDatabase {
    /// Runs the installed event steps over what a transaction stored, on its connection.
    func runEventSteps(_ conn: PostgresConnection, events: [(profile: ProfileID, message: Message)], changes: [MembershipChange],
                       now: Date) async throws {
        let input = EventStepInput(events: events, changes: changes, now: now)
        for (name, var run) in eventSteps.runs(for: input) {
            do {
                try await drive(&run, conn)
            } catch let error as StoreError {
                throw error
            } catch let error as PSQLError where Self.isConflict(error) {
                // A lost race: the transaction is retried whole, as ingest's own conflicts are.
                throw error
            } catch {
                throw StoreError(.backend, "event step \(name): \(Self.describe(error))")
            }
        }
    }

    /// Answers a portable machine's reads and writes (``StepSQL``) on the transaction's connection until it is done.
    func drive(_ run: inout some EventStepRun, _ conn: PostgresConnection) async throws {
        var rows: [StepRow] = []
        while true {
            switch try run.next(rows) {
            case .read(let query):
                rows = try await self.rows(try postgresQuery(query), on: conn).map(Self.stepRow)
            case .write(let statements):
                for statement in statements {
                    try await conn.query(try postgresQuery(statement), logger: logger)
                }
                rows = []
            case .done:
                return
            }
        }
    }

    func postgresQuery(_ statement: StepSQL) throws -> PostgresQuery {
        var bindings = PostgresBindings(capacity: statement.values.count)
        for value in statement.values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let i): bindings.append(i)
            case .real(let d): bindings.append(d)
            case .text(let s): bindings.append(PostgresText.clean(s))
            case .blob(let b): try bindings.append(b)
            case .sealed(let object):
                if let sealed = try cipher.sealJSON(object) { try bindings.append(sealed) } else { bindings.appendNull() }
            }
        }
        return PostgresQuery(unsafeSQL: statement.numberingPlaceholders { "$\($0)" }, binds: bindings)
    }

    static func stepRow(_ row: PostgresRandomAccessRow) throws -> StepRow {
        try (0..<row.count).map { i in
            let cell = row[i]
            guard cell.bytes != nil else { return .null }
            switch cell.dataType {
            case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
            case .float4, .float8: return .real(try cell.decode(Double.self))
            case .numeric: return .real(Double(try cell.decode(String.self)) ?? .nan)
            case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .bytea: return .blob(try cell.decode(Data.self))
            default: return .text(try cell.decode(String.self))
            }
        }
    }
}
