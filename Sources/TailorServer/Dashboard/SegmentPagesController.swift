import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// `/app/segments`: the list with sizes, a segment's page, and the builder (marketers and admins), whose
/// condition is typed in the text language; `POST /app/segments/check` is the builder's live check.
struct SegmentPagesController: Sendable {
    let gate: DashboardGate
    let segments: SegmentService
    let profiles: ProfileService

    static let sampleSize = 10

    func addRoutes(to router: some RouterMethods<TailorRequestContext>) {
        router.get("/app/segments") { request, _ in
            let session = try await gate.session(request)
            return DashboardPage.response(SegmentViews.list(session: session, segments: try await segments.segmentsWithSizes()))
        }
        router.get("/app/segments/new") { request, _ in
            let session = try await gate.session(request, may: .editMarketing)
            return DashboardPage.response(SegmentViews.builder(session: session, draft: .init(), outcome: nil))
        }
        router.post("/app/segments") { request, _ in
            let (session, form) = try await gate.post(request, may: .editMarketing)
            let draft = SegmentViews.Draft(name: form["name"] ?? "", description: form["description"] ?? "", condition: form["condition"] ?? "")
            let outcome = try await check(draft)
            guard case .valid(let condition, let preview) = outcome else {
                return DashboardPage.response(SegmentViews.builder(session: session, draft: draft, outcome: outcome), status: .unprocessableContent)
            }
            if form["intent"] == "check" {
                let sample = try await profiles.summaries(preview.sample)
                return DashboardPage.response(SegmentViews.builder(session: session, draft: draft, outcome: outcome, sample: sample))
            }
            do {
                let (saved, _) = try await segments.define(name: draft.name, description: draft.description, condition: condition)
                return DashboardPage.redirect("/app/segments/" + HTML.urlComponent(saved.id) + "?saved=1")
            } catch let error as SegmentDefinitionError {
                return DashboardPage.response(SegmentViews.builder(session: session, draft: draft, outcome: .refused(error.message, field: "name")),
                                              status: error.code == .exists ? .conflict : .unprocessableContent)
            }
        }
        router.post("/app/segments/check") { request, _ in
            let (_, form) = try await gate.post(request, may: .editMarketing)
            switch try await check(SegmentViews.Draft(name: "", description: "", condition: form["condition"] ?? "")) {
            case .valid(_, let preview):
                return JSONResponse.make(["ok": true, "count": .number(Double(preview.count))])
            case .syntax(let error):
                return JSONResponse.make(["ok": false, "line": .number(Double(error.line)), "column": .number(Double(error.column)),
                                          "message": .string(error.message)])
            case .refused(let message, _):
                return JSONResponse.make(["ok": false, "message": .string(message)])
            }
        }
        router.get("/app/segments/:id") { request, context in
            let session = try await gate.session(request)
            guard let id = context.parameters.get("id"),
                  let found = try await segments.segmentWithMembers(id.removingPercentEncoding ?? id, sample: Self.sampleSize) else {
                throw DashboardError.notFound("No segment has this id.")
            }
            let sample = try await profiles.summaries(found.sample)
            return DashboardPage.response(SegmentViews.segment(session: session, definition: found.definition, size: found.size, sample: sample,
                                                               justSaved: request.uri.queryParameters.get("saved") == "1"))
        }
    }

    /// Parses and checks a draft's condition as saving would, and counts what it selects now.
    /// - Throws: what the store throws (a failure of the database is not the condition's fault).
    func check(_ draft: SegmentViews.Draft) async throws -> SegmentViews.Outcome {
        let text = draft.condition.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return .refused("Type a condition.", field: "condition") }
        let condition: Condition
        do {
            condition = try Condition(text: draft.condition)
        } catch {
            return .syntax(error)
        }
        do {
            return .valid(condition, try await segments.preview(condition, sample: Self.sampleSize))
        } catch let error as SegmentDefinitionError {
            return .refused(error.message, field: "condition")
        }
    }
}
