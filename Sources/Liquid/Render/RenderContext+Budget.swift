/// Accounting of a render against its ``ResourceLimits``: loop iterations, work, time, output and
/// value sizes.
///
/// Charging work is an integer subtraction and a comparison. Everything else (raising the error,
/// reading the clock for ``ResourceLimits/renderTime``) happens on a slow path taken only when the
/// counter passes a checkpoint, so the clock is read once every ``ResourceLimits/clockInterval``
/// units at most, never per node.
extension RenderContext {
    /// Budgets shared by a render and the `render` partials it starts.
    final class Budget {
        @exclusivity(unchecked) var loopIterations: Int
        /// Units of work left (``ResourceLimits/workUnits``); below zero the render stops.
        @exclusivity(unchecked) var work: Int
        /// ``spend(_:)`` takes its slow path when ``work`` falls below this.
        @exclusivity(unchecked) var checkpoint: Int
        /// When the render must have finished, if it has a time limit.
        let deadline: ContinuousClock.Instant?
        let limits: ResourceLimits

        init(_ limits: ResourceLimits) {
            self.limits = limits
            loopIterations = limits.loopIterations
            work = limits.workUnits
            if let time = limits.renderTime {
                deadline = .now + time
                checkpoint = limits.workUnits &- ResourceLimits.clockInterval
            } else {
                deadline = nil
                checkpoint = 0
            }
        }

        /// Charges `units` of work; throws once the budget is spent or the time is up.
        @inline(__always) func spend(_ units: Int) throws {
            work &-= units
            if work < checkpoint { try overdrawn() }
        }

        /// The slow path of ``spend(_:)``: stop, or read the clock and set the next checkpoint.
        func overdrawn() throws {
            if work < 0 {
                throw LiquidError(.limitExceeded, "more than \(limits.workUnits) units of work (ResourceLimits.workUnits)", offset: nil)
            }
            if let deadline {
                if ContinuousClock.now >= deadline {
                    let time = limits.renderTime.map { "\($0)" } ?? ""
                    throw LiquidError(.limitExceeded, "render took longer than \(time) (ResourceLimits.renderTime)", offset: nil)
                }
                checkpoint = max(0, work - ResourceLimits.clockInterval)
            } else {
                checkpoint = 0
            }
        }
    }

    /// Charges `units` of work to the render's budget.
    @inline(__always) func spend(_ units: Int) throws {
        try budget.spend(units)
    }

    /// Pays for `count` loop iterations (compared first: subtracting a loop's length from a spent
    /// budget could overflow).
    @inline(__always) func spendIteration(_ offset: Int, _ count: Int = 1) throws {
        if count > budget.loopIterations {
            budget.loopIterations = -1
            throw LiquidError(.limitExceeded, "more than \(environment.limits.loopIterations) loop iterations (ResourceLimits.loopIterations)", offset: offset)
        }
        budget.loopIterations -= count
    }

    @inline(__always) func checkOutput(_ out: [UInt8]) throws {
        if out.count > outputLimit {
            throw LiquidError(.limitExceeded, "output larger than \(environment.limits.outputBytes) bytes (ResourceLimits.outputBytes)", offset: nil)
        }
    }

    /// Charges the bytes written to `out` since `start` and checks the output size.
    @inline(__always) func wrote(_ out: [UInt8], since start: Int) throws {
        try budget.spend(out.count &- start)
        try checkOutput(out)
    }

    /// Checks a value a tag is about to store (`assign`, `capture`) against ``ResourceLimits/valueBytes``.
    func checkSize(_ value: Value, offset: Int?) throws {
        if let message = environment.limits.oversize(value) {
            throw LiquidError(.limitExceeded, message, offset: offset)
        }
    }

    /// Charges a filter call and checks its result: ``ResourceLimits/filterWork``, plus (for
    /// ``Filter/Cost/linear`` filters) the size of the input and of the result, which must fit
    /// ``ResourceLimits/valueBytes``.
    @inline(__always) func meter(_ call: FilterCall, input: Value, output: Value) throws {
        guard call.cost == .linear else { return try budget.spend(ResourceLimits.filterWork) }
        var units = ResourceLimits.filterWork &+ input.workSize
        if case .range(let lo, let hi) = input {
            // Filters read a range as the array it stands for (at most `valueItems` of it: more is an error).
            units &+= min(Value.rangeCount(lo, hi), valueItems &+ 1) &* ResourceLimits.bytesPerItem
        }
        switch output {
        case .string(let s), .safe(let s):
            let n = s.utf8.count
            if n > valueBytes { throw LiquidError(.limitExceeded, "filter '\(call.name)': " + environment.limits.stringTooLarge, offset: call.offset) }
            units &+= n
        case .array(let a):
            if a.count > valueItems { throw LiquidError(.limitExceeded, "filter '\(call.name)': " + environment.limits.arrayTooLarge, offset: call.offset) }
            units &+= a.count &* ResourceLimits.bytesPerItem
        default: break
        }
        try budget.spend(units)
    }
}

extension ResourceLimits {
    var stringTooLarge: String { "string larger than \(valueBytes) bytes (ResourceLimits.valueBytes)" }
    var arrayTooLarge: String { "array larger than \(valueItems) items (ResourceLimits.valueBytes)" }

    /// Why `value` is too large to keep, or `nil` when it fits ``valueBytes``.
    func oversize(_ value: Value) -> String? {
        switch value {
        case .string(let s), .safe(let s): return s.utf8.count > valueBytes ? stringTooLarge : nil
        case .array(let a): return a.count > valueItems ? arrayTooLarge : nil
        default: return nil
        }
    }
}

extension Value {
    /// What reading this value through costs, in work units: its bytes for a string, and
    /// ``ResourceLimits/bytesPerItem`` for each item of an array or entry of an object.
    @inline(__always) var workSize: Int {
        switch self {
        case .string(let s), .safe(let s): return s.utf8.count
        case .array(let a): return a.count &* ResourceLimits.bytesPerItem
        case .object(let o): return o.count &* ResourceLimits.bytesPerItem
        default: return 0
        }
    }
}
