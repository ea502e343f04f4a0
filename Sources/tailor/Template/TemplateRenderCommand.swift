import ArgumentParser
import Foundation
import Liquid
import TailorCore
import TailorEngine

/// `tailor template render FILE --data DATA.json`: prints the rendered template; on an error prints
/// it (with line, column and caret) to stderr and exits 1.
struct TemplateRenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a Liquid template with JSON data."
    )

    @Argument(help: "The template file.")
    var file: String

    @Option(name: .long, help: "A JSON file whose top-level object holds the template's variables.")
    var data: String?

    @Flag(name: .long, help: "Strict parsing (unknown filters are errors) and strict undefined variables.")
    var strict = false

    @Option(name: .long, help: "Directory of partials for include/render (default: the template's directory).")
    var partials: String?

    @Flag(name: .long, help: "HTML-escape output values unless marked with the `safe` filter.")
    var autoescape = false

    func run() async throws {
        let templateURL = URL(fileURLWithPath: file)
        do {
            let source = try String(contentsOf: templateURL, encoding: .utf8)
            var values: Value = .object(LiquidObject())
            if let data {
                values = try Value(json: String(contentsOf: URL(fileURLWithPath: data), encoding: .utf8))
            }
            let partialsDirectory = partials.map { URL(fileURLWithPath: $0) } ?? templateURL.deletingLastPathComponent()
            let environment = Environment(
                mode: strict ? .strict : .lax,
                undefined: strict ? .strict : .lax,
                autoescape: autoescape,
                loader: DirectoryLoader(directory: partialsDirectory)
            )
            let output = try environment.parse(source, name: templateURL.lastPathComponent).render(values)
            FileHandle.standardOutput.write(Data(output.utf8))
        } catch let error as LiquidError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        } catch let error as JSONValueError {
            FileHandle.standardError.write(Data("error: \(data ?? "data"): \(error)\n".utf8))
            throw ExitCode(1)
        } catch let error as CocoaError {
            FileHandle.standardError.write(Data("error: cannot read \(error.filePath ?? "input file"): \(error.localizedDescription)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `tailor template check FILE`: parses a template and lists the variables and partials it uses,
/// flagging variables without a `default` fallback. `tailor template check NAME --segment SEG --json`:
/// the fallback report of a stored email for a segment's members.
struct TemplateCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse a template and list the variables and partials it uses."
    )

    @Argument(help: "The template file, or with --segment a stored template's name.")
    var file: String

    @Flag(name: .long, help: "Strict parsing (unknown filters are errors).")
    var strict = false

    @Option(help: "Count, for this segment's members, how many lack each variable the stored template reads.")
    var segment: String?

    @Flag(help: "Print JSON (with --segment).")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        if let segment {
            try await withCampaignRuntime(global) { runtime in
                let report = try await CampaignService(stores: runtime.stores, clock: runtime.clock).fallbackReport(template: file, segment: segment)
                if json {
                    print(JSONWriter.string(.object(report.json)))
                    return
                }
                print("\(report.recipients) recipients")
                for v in report.variables {
                    print("\(v.path)\tmissing \(v.missing)\(v.hasDefault ? " (has default)" : "")")
                }
            }
            return
        }
        let url = URL(fileURLWithPath: file)
        do {
            let source = try String(contentsOf: url, encoding: .utf8)
            let template = try Environment(mode: strict ? .strict : .lax).parse(source, name: url.lastPathComponent)
            let analysis = template.analyze()
            let withDefault = analysis.variablesWithDefault
            for path in analysis.variables {
                print("variable \(path)\(withDefault.contains(path) ? " (has default)" : "")")
            }
            for partial in analysis.partials {
                print("partial \(partial.name ?? "<computed>") (\(partial.tag), line \(partial.line))")
            }
        } catch let error as LiquidError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        } catch let error as CocoaError {
            FileHandle.standardError.write(Data("error: cannot read \(error.filePath ?? file): \(error.localizedDescription)\n".utf8))
            throw ExitCode(1)
        }
    }
}
