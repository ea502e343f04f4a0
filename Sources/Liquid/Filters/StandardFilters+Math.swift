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
        Filter("plus", arguments: 1...1) { v, a, _ in try arithmetic(v, a.positional[0], .plus) },
        Filter("minus", arguments: 1...1) { v, a, _ in try arithmetic(v, a.positional[0], .minus) },
        Filter("times", arguments: 1...1) { v, a, _ in try arithmetic(v, a.positional[0], .times) },
        Filter("divided_by", arguments: 1...1) { v, a, _ in try arithmetic(v, a.positional[0], .divide) },
        Filter("modulo", arguments: 1...1) { v, a, _ in try arithmetic(v, a.positional[0], .modulo) },
        .unary("ceil") { v in
            let n = v.numberValue
            if case .int = n { return n }
            return toInt(ceil(n.doubleValue ?? 0))
        },
        .unary("floor") { v in
            let n = v.numberValue
            if case .int = n { return n }
            return toInt(floor(n.doubleValue ?? 0))
        },
        Filter("round", arguments: 0...1) { v, a, _ in
            let n = v.numberValue
            let digits = (a[0].flatMap { try? number($0) }?.intValue) ?? 0
            if case .int(let i) = n, digits >= 0 { return .int(i) }
            if digits < 0 {
                if digits < -18 { return .int(0) }
                let m = pow(10.0, Double(-digits))
                return toInt(((n.doubleValue ?? 0) / m).rounded(.toNearestOrAwayFromZero) * m)
            }
            if digits == 0 { return toInt((n.doubleValue ?? 0).rounded(.toNearestOrAwayFromZero)) }
            let d = n.doubleValue ?? 0
            let m = pow(10.0, Double(min(digits, 15)))
            // Past 2^52 a double has no fraction left to round at this scale (and scaling may
            // overflow to infinity): the number is already as round as it can be.
            let scaled = d * m
            guard scaled.isFinite, abs(scaled) < 0x1p52 else { return .double(d) }
            return .double(scaled.rounded(.toNearestOrAwayFromZero) / m)
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

    enum Operation { case plus, minus, times, divide, modulo }

    /// Integer arithmetic stays integer (falling back to floating point on overflow, flooring
    /// division and modulo as the reference implementation does); with a float involved the
    /// operation is done in decimal and converted back, so `10.1 | minus: 2.2` is `7.9`. Numbers
    /// beyond `Decimal`'s range (its exponent stops at ±127), infinities and NaN are computed in
    /// binary floating point instead, as the reference implementation's floats are.
    static func arithmetic(_ input: Value, _ operand: Value, _ op: Operation) throws -> Value {
        let x = input.numberValue, y = operand.numberValue
        if case .int(let a) = x, case .int(let b) = y {
            switch op {
            case .plus:
                let (r, o) = a.addingReportingOverflow(b)
                return o ? .double(Double(a) + Double(b)) : .int(r)
            case .minus:
                let (r, o) = a.subtractingReportingOverflow(b)
                return o ? .double(Double(a) - Double(b)) : .int(r)
            case .times:
                let (r, o) = a.multipliedReportingOverflow(by: b)
                return o ? .double(Double(a) * Double(b)) : .int(r)
            case .divide:
                if b == 0 { throw FilterError("division by zero") }
                if a == Int.min && b == -1 { return .double(-Double(a)) }
                let q = a / b
                return .int((a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q)
            case .modulo:
                if b == 0 { throw FilterError("division by zero") }
                if b == -1 { return .int(0) }
                let r = a % b
                return .int(r != 0 && ((r < 0) != (b < 0)) ? r + b : r)
            }
        }
        guard let da = decimal(x), let db = decimal(y) else { return try floating(x.doubleValue ?? 0, y.doubleValue ?? 0, op) }
        var result: Decimal
        switch op {
        case .plus: result = da + db
        case .minus: result = da - db
        case .times: result = da * db
        case .divide:
            if db.isZero { throw FilterError("division by zero") }
            result = da / db
        case .modulo:
            if db.isZero { throw FilterError("division by zero") }
            let fa = x.doubleValue ?? 0, fb = y.doubleValue ?? 0
            var q = da / db
            var floored = Decimal()
            NSDecimalRound(&floored, &q, 0, .down)
            if (fa < 0) != (fb < 0), floored != q { floored -= 1 }
            result = da - floored * db
        }
        // Past the decimal range (an overflow gives NaN): floating point, as above.
        if result.isNaN { return try floating(x.doubleValue ?? 0, y.doubleValue ?? 0, op) }
        return .double(NSDecimalNumber(decimal: result).doubleValue)
    }

    /// The operation in binary floating point: division by zero is an error; modulo is floored
    /// (its sign is the divisor's), as for integers.
    static func floating(_ a: Double, _ b: Double, _ op: Operation) throws -> Value {
        switch op {
        case .plus: return .double(a + b)
        case .minus: return .double(a - b)
        case .times: return .double(a * b)
        case .divide:
            if b == 0 { throw FilterError("division by zero") }
            return .double(a / b)
        case .modulo:
            if b == 0 { throw FilterError("division by zero") }
            var r = fmod(a, b)
            if r != 0 && (r < 0) != (b < 0) { r += b }
            return .double(r)
        }
    }

    /// `v` as a decimal, or `nil` when it has none (infinities, NaN, magnitudes past 10^127).
    static func decimal(_ v: Value) -> Decimal? {
        switch v {
        case .int(let i): return Decimal(i)
        case .double(let d):
            guard d.isFinite else { return nil }
            guard let exact = Decimal(string: d.description) ?? Optional(Decimal(d)), !exact.isNaN else { return nil }
            return exact
        default: return Decimal(0)
        }
    }

    static func number(_ v: Value) throws -> Value {
        v.numberValue
    }

    /// An integral double as an integer when it fits one (`Int(d)` traps otherwise).
    static func toInt(_ d: Double) -> Value {
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
