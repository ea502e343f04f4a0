public import Foundation
public import TailorCore
public import TailorStore

/// Journeys' workflow: definitions checked and stored, their lifecycle, and moving due runs on
/// (``JourneyService/runDue(settings:limit:)``). Runs start in the ingest transaction (``JourneyTriggerStep``).
/// See docs/JOURNEYS.md.
public struct JourneyService: Sendable {
    public let stores: Stores
    public let clock: any WallClock
    /// What sending reads once for many pages: the catalog and the recommendations' model or popularity
    /// list (which reads every interaction), kept for a minute.
    let loaders = RecipientLoaderCache(lifetime: 60)

    public init(stores: Stores, clock: any WallClock = SystemClock()) {
        self.stores = stores
        self.clock = clock
    }

    /// Checks and stores a new journey from its JSON form; it is active at once.
    /// - Throws: ``RequestError`` `.invalid` naming the path (`steps[2].wait`), `.notFound` naming an unknown
    ///   template, `.exists` when the name is taken.
    @discardableResult
    public func create(name: String, json: JSONValue, replacing: Bool = false) async throws -> JourneyRecord {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200, !name.utf8.contains(0) else {
            throw RequestError(.invalid, "a journey needs a name of 1 to 200 characters", field: "name")
        }
        let id = SegmentDefinition.slug(name)
        guard SegmentDefinition.isValidID(id) else {
            throw RequestError(.invalid, "a journey's name needs letters or digits (its id is the name in lower case with dashes)", field: "name")
        }
        let definition: JourneyDefinition
        do {
            definition = try JourneyDefinition(json: json, id: id, name: name)
        } catch {
            throw RequestError(.invalid, error.reason, field: error.path)
        }
        if case .object(let t)? = json.objectValue?["trigger"] {
            for field in ["segment_entered", "segment_exited"] {
                if let segment = t[field]?.stringValue, try await stores.segments.segment(segment) == nil {
                    throw RequestError(.notFound, "no segment \(segment)", field: "trigger.\(field)")
                }
            }
        }
        let templates = Set(try await stores.templates.templates().filter { $0.kind == .email }.map(\.name))
        for (i, step) in definition.steps.enumerated() {
            if case .send(let template, _) = step, !templates.contains(template) {
                throw RequestError(.notFound, "no email template named \(template)", field: "steps[\(i)].send.template")
            }
        }
        let existing = try await stores.journeys.journeys().first { $0.id == id || $0.name == name }
        if let existing, !replacing { throw RequestError(.exists, "journey \(existing.name) exists") }
        let now = clock.now()
        let record = JourneyRecord(definition: definition, state: existing?.state ?? .active, createdAt: existing?.createdAt ?? now, updatedAt: now)
        try await stores.journeys.saveJourney(record)
        return record
    }

    /// A journey made from one of ``JourneyTemplates``, with its parameters; the seed email templates it
    /// names by default are stored first when missing.
    @discardableResult
    public func create(name: String?, fromTemplate templateName: String, parameters: [String: String]) async throws -> JourneyRecord {
        guard let template = JourneyTemplates.named(templateName) else {
            throw RequestError(.notFound, "no journey template named \(templateName); see `tailor journey templates`", field: "template")
        }
        let json = try template.definition(parameters)
        for email in template.seedEmails where parameters["template"] == nil {
            if try await stores.templates.template(named: email.name) == nil {
                _ = try await TemplateService(stores: stores, clock: clock).create(email.template(at: clock.now()))
            }
        }
        return try await create(name: name ?? template.name, json: json)
    }

    public func list() async throws -> [JourneyRecord] { try await stores.journeys.journeys() }

    public func journey(_ idOrName: String) async throws -> JourneyRecord {
        guard let j = try await stores.journeys.journeys().first(where: { $0.id == idOrName || $0.name == idOrName }) else {
            throw RequestError(.notFound, "no journey named \(idOrName)")
        }
        return j
    }

    public func counts(_ idOrName: String) async throws -> (JourneyRecord, JourneyCounts) {
        let j = try await journey(idOrName)
        return (j, try await stores.journeys.journeyCounts(j.id))
    }

    /// Pauses, resumes or archives a journey. An archived journey stays archived.
    /// - Throws: ``RequestError`` `.illegalState` for an archived journey, `.notFound`.
    @discardableResult
    public func setState(_ idOrName: String, _ state: JourneyState) async throws -> JourneyRecord {
        var j = try await journey(idOrName)
        if j.state == .archived && state != .archived { throw RequestError(.illegalState, "journey \(j.name) is archived") }
        try await stores.journeys.setJourneyState(j.id, state, at: clock.now())
        j.state = state
        return j
    }
}

extension JourneyService {
    /// A journey with its runs counted, as the API and `journey show --json` print it.
    public struct Status: Sendable {
        public var journey: JourneyRecord
        public var counts: JourneyCounts

        /// `{"id", "name", "state", "definition", "counts": {"waiting_at_step": [n per step], "completed", "exited": {reason: n}}}`.
        public var json: JSONObject {
            var waiting: [JSONValue] = []
            for i in journey.definition.steps.indices { waiting.append(.number(Double(counts.activeAtStep[i] ?? 0))) }
            var exited: JSONObject = [:]
            for (reason, n) in counts.exited { exited[reason] = .number(Double(n)) }
            return ["id": .string(journey.id), "name": .string(journey.name), "state": .string(journey.state.rawValue),
                    "definition": journey.definition.json,
                    "counts": .object(["waiting_at_step": .array(waiting), "completed": .number(Double(counts.completed)), "exited": .object(exited)])]
        }
    }

    public func status(_ idOrName: String) async throws -> Status {
        let (j, counts) = try await counts(idOrName)
        return Status(journey: j, counts: counts)
    }
}
