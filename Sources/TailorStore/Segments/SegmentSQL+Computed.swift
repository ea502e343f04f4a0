package import TailorCore

// MARK: - Computed traits

extension SegmentSQL {
    /// `computed.<name>` compared: the profiles with a `computed_traits` row of that name whose value holds,
    /// `p.id IN (SELECT profile_id FROM computed_traits WHERE name = … AND …)`. One scan of the
    /// `(name, number)` index for the whole audience rather than a lookup per profile, and two-valued as the
    /// evaluator is: a profile without the row is simply not in the list.
    ///
    /// A row's value is its number, else its text (``FieldValue/init(computedNumber:text:)``): the text is
    /// read only where the number is NULL.
    package mutating func computedAtom(_ field: ComputedField, _ cmp: Comparison) -> String {
        let name = bind(.text(field.rawValue))
        let predicate = compareComputed(cmp, number: "c.number", text: "(CASE WHEN c.number IS NULL THEN c.text END)")
        return "p.id IN (SELECT c.profile_id FROM computed_traits c WHERE c.name = \(name) AND \(atom(predicate)))"
    }

    /// A comparison of a value that is a number or a text (NULL when it is the other kind, both NULL when
    /// missing), with the evaluator's meaning: a value compares only with a value of its own kind, a text
    /// with a date as the time it spells (ISO 8601), and `!=` holds for any present value not equal.
    package mutating func compareComputed(_ cmp: Comparison, number n: String, text t: String) -> String {
        let exists = "(\(n) IS NOT NULL OR \(t) IS NOT NULL)"
        switch cmp {
        case .exists:
            return exists
        case .equals(let v), .less(let v), .lessOrEqual(let v), .greater(let v), .greaterOrEqual(let v):
            switch v {
            case .number: return compareNumber(cmp, n)
            case .string: return compareText(cmp, t, exists: "\(t) IS NOT NULL")
            case .date: return compareTime(cmp, millisecondsOfText(t))
            case .bool: return falseSQL
            }
        case .notEquals(let v):
            return "\(exists) AND NOT \(atom(compareComputed(.equals(v), number: n, text: t)))"
        case .oneOf(let vs):
            guard !vs.isEmpty else { return falseSQL }
            return Self.joined(vs.map { atom(compareComputed(.equals($0), number: n, text: t)) }, "OR")
        case .between(let a, let b):
            switch (a, b) {
            case (.number, .number): return compareNumber(cmp, n)
            case (.string, .string): return compareText(cmp, t, exists: "\(t) IS NOT NULL")
            case (.date, .date): return compareTime(cmp, millisecondsOfText(t))
            default: return falseSQL
            }
        case .equalsIgnoringCase, .contains, .startsWith:
            return compareText(cmp, t, exists: "\(t) IS NOT NULL")
        case .within, .moreThanAgo:
            return compareTime(cmp, millisecondsOfText(t))
        }
    }
}
