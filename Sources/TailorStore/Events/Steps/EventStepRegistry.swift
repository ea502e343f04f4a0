import Synchronization

/// The event steps a database runs in its event transactions, in order. Installed once where the services
/// are assembled; each adapter holds one and reads it at the start of every transaction that stores events.
public final class EventStepRegistry: Sendable {
    private let steps = Mutex<[any EventStep]>([])

    public init() {}

    /// The steps, in the order they run.
    public var installed: [any EventStep] { steps.withLock { $0 } }

    /// Adds steps after those installed; a step whose name is installed already is replaced where it stands,
    /// so assembling the services twice (a test, a restart in-process) does not run a step twice.
    public func install(_ added: [any EventStep]) {
        steps.withLock { list in
            for step in added {
                if let i = list.firstIndex(where: { $0.name == step.name }) { list[i] = step } else { list.append(step) }
            }
        }
    }

    /// The runs of the installed steps that concern a transaction's events.
    public func runs(for input: EventStepInput) -> [(name: String, run: any EventStepRun)] {
        guard !input.events.isEmpty else { return [] }
        return installed.compactMap { step in step.start(input).map { (step.name, $0) } }
    }
}
