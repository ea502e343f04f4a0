/// A factor vector of a fixed number of `SIMD16<Float>` lanes, held in registers by the solver's
/// specialised code paths (16, 32, 64 and 128 factors after padding). Generic code over this
/// protocol is specialised by the optimiser, so every loop over lanes is unrolled.
protocol FactorVector {
    static var chunks: Int { get }
    static var zero: Self { get }
    init(_ p: UnsafePointer<SIMD16<Float>>)
    func store(_ p: UnsafeMutablePointer<SIMD16<Float>>)
    /// self + s · other
    func adding(_ s: Float, times other: Self) -> Self
    /// Σ self[i] · other[i]
    func dot(_ other: Self) -> Float
}

struct Factors16: FactorVector {
    var a: SIMD16<Float>
    static var chunks: Int { 1 }
    static var zero: Self { Self(a: .zero) }
    init(a: SIMD16<Float>) { self.a = a }
    @inline(__always) init(_ p: UnsafePointer<SIMD16<Float>>) { a = p[0] }
    @inline(__always) func store(_ p: UnsafeMutablePointer<SIMD16<Float>>) { p[0] = a }
    @inline(__always) func adding(_ s: Float, times o: Self) -> Self {
        let v = SIMD16<Float>(repeating: s)
        return Self(a: a + v * o.a)
    }
    @inline(__always) func dot(_ o: Self) -> Float { horizontalSum(a * o.a) }
}

struct Factors32: FactorVector {
    var a: SIMD16<Float>, b: SIMD16<Float>
    static var chunks: Int { 2 }
    static var zero: Self { Self(a: .zero, b: .zero) }
    init(a: SIMD16<Float>, b: SIMD16<Float>) { (self.a, self.b) = (a, b) }
    @inline(__always) init(_ p: UnsafePointer<SIMD16<Float>>) { (a, b) = (p[0], p[1]) }
    @inline(__always) func store(_ p: UnsafeMutablePointer<SIMD16<Float>>) { (p[0], p[1]) = (a, b) }
    @inline(__always) func adding(_ s: Float, times o: Self) -> Self {
        let v = SIMD16<Float>(repeating: s)
        return Self(a: a + v * o.a, b: b + v * o.b)
    }
    @inline(__always) func dot(_ o: Self) -> Float { horizontalSum(a * o.a + b * o.b) }
}

struct Factors64: FactorVector {
    var a: SIMD16<Float>, b: SIMD16<Float>, c: SIMD16<Float>, d: SIMD16<Float>
    static var chunks: Int { 4 }
    static var zero: Self { Self(a: .zero, b: .zero, c: .zero, d: .zero) }
    init(a: SIMD16<Float>, b: SIMD16<Float>, c: SIMD16<Float>, d: SIMD16<Float>) { (self.a, self.b, self.c, self.d) = (a, b, c, d) }
    @inline(__always) init(_ p: UnsafePointer<SIMD16<Float>>) { (a, b, c, d) = (p[0], p[1], p[2], p[3]) }
    @inline(__always) func store(_ p: UnsafeMutablePointer<SIMD16<Float>>) { (p[0], p[1], p[2], p[3]) = (a, b, c, d) }
    @inline(__always) func adding(_ s: Float, times o: Self) -> Self {
        let v = SIMD16<Float>(repeating: s)
        return Self(a: a + v * o.a, b: b + v * o.b, c: c + v * o.c, d: d + v * o.d)
    }
    @inline(__always) func dot(_ o: Self) -> Float { horizontalSum((a * o.a + b * o.b) + (c * o.c + d * o.d)) }
}

struct Factors128: FactorVector {
    var lo: Factors64, hi: Factors64
    static var chunks: Int { 8 }
    static var zero: Self { Self(lo: .zero, hi: .zero) }
    init(lo: Factors64, hi: Factors64) { (self.lo, self.hi) = (lo, hi) }
    @inline(__always) init(_ p: UnsafePointer<SIMD16<Float>>) { (lo, hi) = (Factors64(p), Factors64(p + 4)) }
    @inline(__always) func store(_ p: UnsafeMutablePointer<SIMD16<Float>>) {
        lo.store(p)
        hi.store(p + 4)
    }
    @inline(__always) func adding(_ s: Float, times o: Self) -> Self {
        Self(lo: lo.adding(s, times: o.lo), hi: hi.adding(s, times: o.hi))
    }
    @inline(__always) func dot(_ o: Self) -> Float { lo.dot(o.lo) + hi.dot(o.hi) }
}

/// Sum of the lanes by halving (4 dependent adds instead of the 15 of `sum()`'s lane-by-lane loop).
@inline(__always) func horizontalSum(_ v: SIMD16<Float>) -> Float {
    let s8 = v.lowHalf + v.highHalf
    let s4 = s8.lowHalf + s8.highHalf
    let s2 = s4.lowHalf + s4.highHalf
    return s2[0] + s2[1]
}

/// Whether some lane of `v` may exceed `t`: false only when every lane of v − t has its sign bit set.
/// Integer AND reductions stay in vector registers on every x86 target, where comparison masks are
/// scalarised without AVX-512. Equal lanes (+0) and NaNs answer true; callers re-check each lane.
@inline(__always) func mayExceed(_ v: SIMD16<Float>, _ t: Float) -> Bool {
    let bits = unsafeBitCast(v - SIMD16(repeating: t), to: SIMD16<UInt32>.self)
    let a8 = bits.lowHalf & bits.highHalf
    let a4 = a8.lowHalf & a8.highHalf
    let a2 = a4.lowHalf & a4.highHalf
    return (a2[0] & a2[1]) & 0x8000_0000 == 0
}
