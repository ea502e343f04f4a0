import Foundation

extension StandardFilters {
    static let math: [Filter] = [
        .unary("abs") { v in
            switch v.numberValue {
            case .int(let i): return i == Int.min ? .double(-Double(i)) : .int(abs(i))
            case .double(let d): return .double(abs(d))
            default: return .int(0)
            }
        },
        Filter("plus", arguments: 1...1) { v, a, _ in add(v.numberValue, try number(a.positional[0])) },
        Filter("minus", arguments: 1...1) { v, a, _ in
            let b = try number(a.positional[0])
            switch (v.numberValue, b) {
            case (.int(let x), .int(let y)):
                let (r, o) = x.subtractingReportingOverflow(y)
                return o ? .double(Double(x) - Double(y)) : .int(r)
            case (let x, let y): return .double(x.doubleValue! - y.doubleValue!)
            }
        },
        Filter("times", arguments: 1...1) { v, a, _ in
            let b = try number(a.positional[0])
            switch (v.numberValue, b) {
            case (.int(let x), .int(let y)):
                let (r, o) = x.multipliedReportingOverflow(by: y)
                return o ? .double(Double(x) * Double(y)) : .int(r)
            case (let x, let y): return .double(x.doubleValue! * y.doubleValue!)
            }
        },
        Filter("divided_by", arguments: 1...1) { v, a, _ in
            let b = try number(a.positional[0])
            switch (v.numberValue, b) {
            case (_, .int(0)): throw FilterError("division by zero")
            case (.int(let x), .int(let y)):
                if x == Int.min && y == -1 { return .double(-Double(x)) }
                let q = x / y
                return .int((x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q)
            case (let x, let y):
                let d = y.doubleValue!
                if d == 0 { throw FilterError("division by zero") }
                return .double(x.doubleValue! / d)
            }
        },
        Filter("modulo", arguments: 1...1) { v, a, _ in
            let b = try number(a.positional[0])
            switch (v.numberValue, b) {
            case (_, .int(0)): throw FilterError("division by zero")
            case (.int(let x), .int(let y)):
                if y == -1 { return .int(0) }
                let r = x % y
                return .int(r != 0 && ((r < 0) != (y < 0)) ? r + y : r)
            case (let x, let y):
                let dx = x.doubleValue!, dy = y.doubleValue!
                if dy == 0 { throw FilterError("division by zero") }
                let r = fmod(dx, dy)
                return .double(r != 0 && ((r < 0) != (dy < 0)) ? r + dy : r)
            }
        },
        .unary("ceil") { v in try toInt(ceil(v.numberValue.doubleValue ?? 0)) },
        .unary("floor") { v in try toInt(floor(v.numberValue.doubleValue ?? 0)) },
        Filter("round", arguments: 0...1) { v, a, _ in
            let n = v.numberValue
            let digits = (a[0].flatMap { try? number($0) }?.intValue) ?? 0
            if digits <= 0 {
                if case .int(let i) = n { return .int(i) }
                return try toInt((n.doubleValue ?? 0).rounded(.toNearestOrAwayFromZero))
            }
            let d = n.doubleValue ?? 0
            let m = pow(10.0, Double(min(digits, 15)))
            return .double((d * m).rounded(.toNearestOrAwayFromZero) / m)
        },
        Filter("at_least", arguments: 1...1) { v, a, _ in
            let x = v.numberValue, y = try number(a.positional[0])
            return (x.liquidCompare(y) ?? 0) < 0 ? y : x
        },
        Filter("at_most", arguments: 1...1) { v, a, _ in
            let x = v.numberValue, y = try number(a.positional[0])
            return (x.liquidCompare(y) ?? 0) > 0 ? y : x
        },
    ]

    static func number(_ v: Value) throws -> Value {
        v.numberValue
    }

    static func toInt(_ d: Double) throws -> Value {
        guard d.isFinite, abs(d) < 9.2e18 else { return .double(d) }
        return .int(Int(d))
    }

    static func add(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            return o ? .double(Double(x) + Double(y)) : .int(r)
        default: return .double((a.doubleValue ?? 0) + (b.doubleValue ?? 0))
        }
    }
}
