import Foundation

/// A bar chart of a daily series drawn on the server as SVG: bars, a y axis with 0, the middle and the top, and
/// the first, middle and last dates under the x axis. The chart is an image with a `<title>` and a `<desc>`
/// (the total and the highest day) for screen readers; no script, no inline style.
enum SVGChart {
    static let width = 480, height = 200
    static let left = 52, right = 8, top = 10, bottom = 26

    /// - Parameters:
    ///   - id: unique on the page (the title's and description's ids derive from it).
    ///   - labels: one per value (the days).
    ///   - format: how a value reads on the axis and in the description.
    static func bars(id: String, title: String, labels: [String], values: [Double], format: (Double) -> String) -> HTML {
        let plotWidth = Double(width - left - right), plotHeight = Double(height - top - bottom)
        let top = Self.top, left = Self.left
        // Whole counts keep whole numbers on the axis: a top of at least 2, so its middle is 1.
        let whole = values.allSatisfy { $0 == $0.rounded() }
        let maximum = whole ? max(2, niceCeiling(values.max() ?? 0)) : niceCeiling(values.max() ?? 0)
        let step = plotWidth / Double(max(1, values.count))
        let gap = values.count > 60 ? 0.0 : min(2, step * 0.2)
        var shapes: [HTML] = []
        // Grid lines and y labels at 0, half and the top.
        for fraction in [0.0, 0.5, 1.0] {
            let y = Double(top) + plotHeight * (1 - fraction)
            shapes.append("""
                <line x1="\(left)" y1="\(coordinate(y))" x2="\(width - right)" y2="\(coordinate(y))" stroke="#d9dee7" stroke-width="1"/>
                <text x="\(left - 6)" y="\(coordinate(y + 4))" font-size="11" text-anchor="end" fill="#5b6475">\(format(maximum * fraction))</text>
                """)
        }
        for (i, v) in values.enumerated() where v > 0 {
            let h = maximum > 0 ? plotHeight * v / maximum : 0
            let x = Double(left) + Double(i) * step + gap / 2
            let y = Double(top) + plotHeight - h
            shapes.append("""
                <rect x="\(coordinate(x))" y="\(coordinate(y))" width="\(coordinate(max(0.5, step - gap)))" height="\(coordinate(h))" fill="#2456c8"><title>\(labels[i]): \(format(v))</title></rect>
                """)
        }
        // Dates: the first, the middle and the last.
        var marks = Set<Int>()
        if !labels.isEmpty { marks = [0, labels.count / 2, labels.count - 1] }
        for i in marks.sorted() {
            let x = Double(left) + (Double(i) + 0.5) * step
            let anchor = labels.count == 1 ? "middle" : i == 0 ? "start" : i == labels.count - 1 ? "end" : "middle"
            let ax = anchor == "start" ? Double(left) : anchor == "end" ? Double(width - right) : x
            shapes.append("""
                <text x="\(coordinate(ax))" y="\(height - 8)" font-size="11" text-anchor="\(anchor)" fill="#5b6475">\(labels[i])</text>
                """)
        }
        let total = values.reduce(0, +)
        let peak = values.indices.max { values[$0] < values[$1] }
        let description = "Total \(format(total)) over \(values.count) days" + (peak.map { values[$0] > 0 ? "; highest \(format(values[$0])) on \(labels[$0])" : "" } ?? "")
        return """
            <svg class="chart" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" role="img" aria-labelledby="\(id)-title \(id)-desc">
            <title id="\(id)-title">\(title) per day</title>
            <desc id="\(id)-desc">\(description)</desc>
            <line x1="\(left)" y1="\(top + Int(plotHeight))" x2="\(width - right)" y2="\(top + Int(plotHeight))" stroke="#5b6475" stroke-width="1"/>
            \(shapes)
            </svg>
            """
    }

    /// The next round number at or above a value (1, 2 or 5 times a power of ten), so the axis reads simply.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let power = pow(10, floor(log10(value)))
        for m in [1.0, 2, 5, 10] where m * power >= value { return m * power }
        return 10 * power
    }

    static func coordinate(_ v: Double) -> String { String(format: "%.1f", v) }
}
