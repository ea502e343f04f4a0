import Foundation
import Liquid
import Testing

/// Every registered filter, fed hostile inputs and arguments, returns a value or throws a
/// ``LiquidError``. None may trap: a trap (integer overflow, a negative count, an out-of-range
/// conversion) ends the whole process, so on a regression this suite fails by crashing the run.
///
/// The filters come from the environment's registry, so a filter added later is covered without
/// touching this file.
@Suite("Hostile filter arguments")
struct HostileFilterTests {
    /// Tight limits, so growth (`append`, `replace`, `join` of huge ranges) stops fast and small.
    static let environment = Environment(
        limits: ResourceLimits(loopIterations: 10_000, outputBytes: 1 << 20, valueBytes: 1 << 16, workUnits: 4_000_000, renderTime: .seconds(10))
    )

    /// An application object whose every property is the largest integer.
    struct MaxDrop: LiquidDrop {
        func value(forKey key: String) -> Value? { .int(.max) }
        var liquidDescription: String { "drop" }
    }

    /// First arguments, and inputs (with ``bigInputs``).
    static let hostile: [Value] = [
        .null, true, 0, 1, -1, 3, -3, .int(.max), .int(.min), .int(1 << 32),
        0.5, -0.5, .double(-0.0), 1e300, -1e300, 1e-300, .double(.nan), .double(.infinity), .double(-.infinity), 9.3e18,
        "", " ", "0", "-1", "1.5", "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e300", "nan", "-inf",
        "abc", "x y  z ", "\n\r\n", "<p>a</p><script>x</script><!-- c --><<", "&amp; &#39; &", "%41%zz%", "é🇫🇷e\u{301}ß", "\u{0}",
        "2016-03-14T10:00:00+02:00", "March 14, 2016 99999999999999999:00", "2016-03-14 1e300:00", "99999-01-01",
        "%Y %s %c %-d %^a %L %j %% %", "now",
        [], ["b", "a", .null, 2.5, .int(.max)], [[1, [2, [3]]], "x"], [["a": 1, "b": "x"], ["a": .null], [:]],
        [.double(.nan), .double(.nan), 1, 1.0], ["a": 1, "size": "x"],
        .range(5, 1), .range(.min, .max), .range(.max - 1, .max), .range(-3, 3),
        .empty, .blank, .drop(MaxDrop()), .safe("<b>"),
    ]

    /// Large inputs (not used as arguments, which would multiply the grid).
    static let bigInputs: [Value] = [
        .string(String(repeating: "ab <", count: 3_000)), .array(Array(repeating: "xy", count: 2_000)),
        .array((0..<500).map { ["a": .int($0 % 7), "b": .string("b\($0)")] as Value }),
        // Enough values for the sort's merging to run, with NaN (which orders against nothing).
        .array((0..<1_000).map { $0 % 3 == 0 ? .double(.nan) : $0 % 3 == 1 ? .double(Double($0 % 17)) : .int($0 % 13) }),
    ]

    /// Second arguments, and inputs of two-argument filters: fewer, to keep the grid small.
    static let second: [Value] = [
        .null, 0, -1, 2, .int(.max), .int(.min), .double(.nan), -1e300, "", "a", "é🇫🇷",
        .string(String(repeating: "z", count: 500)), [["a": 1]], .range(.min, .max),
    ]

    static let argumentNames = ["a0", "a1", "a2"]

    /// The filters, read from the registry.
    static let filterNames = Environment().filterNames

    @Test func registryListsTheStandardFilters() {
        #expect(Self.filterNames.count >= 60)
        for name in ["append", "date", "truncate", "replace", "sort", "uniq", "where", "divided_by", "strip_html"] {
            #expect(Self.filterNames.contains(name))
        }
    }

    @Test(arguments: filterNames)
    func returnsOrThrowsLiquidError(filter name: String) throws {
        let env = Self.environment
        let filter = try #require(env.filter(named: name))
        var templates: [(source: String, arity: Int)] = []
        for arity in filter.minArguments...min(filter.maxArguments ?? 3, 3) {
            let args = (0..<arity).map { "a\($0)" }.joined(separator: ", ")
            templates.append((arity == 0 ? "{{ x | \(name) }}" : "{{ x | \(name): \(args) }}", arity))
            for keyword in filter.keywords.sorted() {
                templates.append(("{{ x | \(name): \(args)\(arity == 0 ? "" : ", ")\(keyword): k }}", arity))
            }
        }
        var failures: [String] = []
        var renders = 0
        for (source, arity) in templates {
            let template = try env.parse(source)
            // Small inputs meet every first argument; the inputs of two-argument calls, and large
            // inputs (of calls with at most one argument), the shorter list.
            func argumentLists(_ first: [Value]) -> [[Value]] {
                var lists: [[Value]] = [[]]
                for position in 0..<arity {
                    lists = lists.flatMap { list in (position == 0 ? first : Self.second).map { list + [$0] } }
                }
                return lists
            }
            let grid = [
                (arity < 2 ? Self.hostile : Self.second, argumentLists(Self.hostile)),
                (Self.bigInputs, arity < 2 ? argumentLists(Self.second) : []),
            ]
            for (inputs, lists) in grid {
                for x in inputs {
                    for (n, args) in lists.enumerated() {
                        var data = LiquidObject()
                        data["x"] = x
                        data["k"] = Self.second[n % Self.second.count]
                        for (i, a) in args.enumerated() { data[Self.argumentNames[i]] = a }
                        renders += 1
                        do {
                            _ = try template.render(.object(data))
                        } catch is LiquidError {
                        } catch {
                            failures.append("\(source) x=\(x) args=\(args): \(type(of: error))")
                        }
                    }
                }
            }
        }
        #expect(renders > 0)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    // MARK: - Specific results

    static func render(_ source: String, _ data: Value = [:]) throws -> String {
        try environment.parse(source).render(data)
    }

    static func failure(_ source: String, _ data: Value = [:]) -> LiquidError.Kind? {
        do {
            _ = try render(source, data)
            return nil
        } catch let error as LiquidError {
            return error.kind
        } catch {
            return nil
        }
    }

    /// The reference implementation: a string longer than `length` keeps `length` minus the
    /// ellipsis characters (none when negative) and gets the ellipsis; every string is longer
    /// than a negative length.
    @Test func truncateWithNegativeZeroAndHugeLengths() throws {
        #expect(try Self.render(#"{{ "abcdef" | truncate: -1 }}"#) == "...")
        #expect(try Self.render(#"{{ "abcdef" | truncate: -9223372036854775808 }}"#) == "...")
        #expect(try Self.render(#"{{ "" | truncate: -1 }}"#) == "...")
        #expect(try Self.render(#"{{ "abcdef" | truncate: 0 }}"#) == "...")
        #expect(try Self.render(#"{{ "abcdef" | truncate: -1, "" }}"#) == "")
        #expect(try Self.render(#"{{ "abcdef" | truncate: 3, "abcdefgh" }}"#) == "abcdefgh")
        #expect(try Self.render(#"{{ "abcdef" | truncate: 5, "" }}"#) == "abcde")
        #expect(try Self.render(#"{{ "abcdef" | truncate: 6 }}"#) == "abcdef")
        #expect(try Self.render(#"{{ "abcdef" | truncate: 9223372036854775807 }}"#) == "abcdef")
        #expect(try Self.render(#"{{ "a b c d" | truncatewords: -1 }}"#) == "a...")
        #expect(try Self.render(#"{{ "a b c d" | truncatewords: 9223372036854775807 }}"#) == "a b c d")
        #expect(Self.failure(#"{{ "abc" | truncate: 1.5 }}"#) == .filterArgument)
    }

    /// Timestamps outside years 1–9999 are not dates: returned unchanged, like any value that is not one.
    @Test func dateOfOutOfRangeTimestamps() throws {
        #expect(try Self.render(#"{{ x | date: "%s" }}"#, ["x": 1e300]) == "1e+300")
        #expect(try Self.render(#"{{ x | date: "%s" }}"#, ["x": -1e300]) == "-1e+300")
        #expect(try Self.render(#"{{ x | date: "%s" }}"#, ["x": .double(.infinity)]) == "Infinity")
        #expect(try Self.render(#"{{ "9223372036854775807" | date: "%s" }}"#) == "9223372036854775807")
        #expect(try Self.render(#"{{ x | date: "%s" }}"#, ["x": .int(.min)]) == "-9223372036854775808")
        #expect(try Self.render(#"{{ x | date: "%s" }}"#, ["x": .double(.nan)]) == "NaN")
        #expect(try Self.render(#"{{ 253402300799 | date: "%Y-%m-%d %s" }}"#) == "9999-12-31 253402300799")
        #expect(try Self.render(#"{{ -62135596800 | date: "%s" }}"#) == "-62135596800")
        #expect(try Self.render(#"{{ -62135596801 | date: "%Y" }}"#) == "-62135596801")
        #expect(try Self.render(#"{{ 253402300800 | date: "%Y" }}"#) == "253402300800")
        #expect(try Self.render(#"{{ "2016-03-14 1e300:00" | date: "%H" }}"#) == "2016-03-14 1e300:00")
        #expect(try Self.render(#"{{ "March 14, 2016 99999999999999999:00" | date: "%H" }}"#) == "March 14, 2016 99999999999999999:00")
        #expect(try Self.render(#"{{ "2016-03-14 10:30" | date: "%H:%M" }}"#) == "10:30")
    }

    @Test func arithmeticAtTheEdges() throws {
        #expect(try Self.render("{{ 9223372036854775807 | plus: 1 }}") == "9.223372036854776e+18")
        #expect(try Self.render("{{ -9223372036854775808 | minus: 1 }}") == "-9.223372036854776e+18")
        #expect(try Self.render("{{ 9223372036854775807 | times: 9223372036854775807 }}") == "8.507059173023462e+37")
        #expect(try Self.render("{{ -9223372036854775808 | divided_by: -1 }}") == "9.223372036854776e+18")
        #expect(try Self.render("{{ -9223372036854775808 | modulo: -1 }}") == "0")
        #expect(try Self.render("{{ -9223372036854775808 | abs }}") == "9.223372036854776e+18")
        #expect(try Self.render("{{ 9223372036854775807 | ceil }} {{ -9223372036854775808 | floor }}") == "9223372036854775807 -9223372036854775808")
        // Past the decimal range, floating point, as the reference implementation's floats.
        let big: Value = ["x": 1e300, "y": -1e300, "tiny": 1e-300, "nan": .double(.nan), "inf": .double(.infinity)]
        #expect(try Self.render("{{ x | plus: 1 }}", big) == "1e+300")
        #expect(try Self.render("{{ x | times: x }} {{ y | times: x }}", big) == "Infinity -Infinity")
        #expect(try Self.render("{{ x | divided_by: tiny }}", big) == "Infinity")
        // Floored: the result has the divisor's sign.
        let remainder = try #require(Double(try Self.render("{{ y | modulo: 7 }}", big)))
        #expect(remainder >= 0 && remainder < 7)
        #expect(try Self.render("{{ 7 | modulo: y }} {{ 1.5 | round: 400 }}", big) == "-1e+300 1.5")
        #expect(try Self.render("{{ nan | round }} {{ nan | ceil }} {{ inf | floor }} {{ nan | plus: 1 }}", big) == "NaN NaN Infinity NaN")
        #expect(try Self.render("{{ x | round: 9223372036854775807 }} {{ 5.5 | round: -9223372036854775808 }}", big) == "1e+300 0")
        #expect(Self.failure("{{ 5 | divided_by: 0 }}") == .filterArgument)
        #expect(Self.failure("{{ 5.5 | modulo: 0 }}") == .filterArgument)
        #expect(Self.failure("{{ x | divided_by: 0.0 }}", big) == .filterArgument)
        #expect(Self.failure("{{ x | modulo: 0 }}", big) == .filterArgument)
    }

    @Test func slicesAndSizesAtTheEdges() throws {
        #expect(try Self.render(#"{{ "abc" | slice: -9223372036854775808 }}"#) == "")
        #expect(try Self.render(#"{{ "abc" | slice: 1, 9223372036854775807 }}"#) == "bc")
        #expect(try Self.render(#"{{ "abc" | slice: 9223372036854775807, 9223372036854775807 }}"#) == "")
        #expect(try Self.render(#"{{ "héllo" | slice: -9223372036854775807, 2 }}"#) == "")
        #expect(try Self.render("{{ (1..3) | slice: -1 | join }}") == "3")
        #expect(try Self.render("{% assign r = (-9223372036854775808..9223372036854775807) %}{{ r.size }} {{ r | size }}") == "9223372036854775807 9223372036854775807")
        #expect(try Self.render(#"{{ "a,b,,c,," | split: "," | join: "|" }}"#) == "a|b||c")
        #expect(try Self.render(#"{{ "<<<<a>" | strip_html }}|{{ "x<!-- y -->z<script>q</SCRIPT>!" | strip_html }}"#) == "|xz!")
    }

    /// JSON data with a lone high surrogate (`\uD800` then a non-surrogate escape) decodes, not traps.
    @Test func jsonLoneSurrogate() throws {
        let value = try Value(json: #"{"s": "a\uD800\u0041b"}"#)
        #expect(try Self.render("{{ s }}", value) == "a\u{FFFD}Ab")
        #expect(try Self.render("{{ s }}", try Value(json: #"{"s": "\uD83D\uDE00"}"#)) == "😀")
    }
}
