public import TailorStore

extension Stores {
    /// The event steps every Tailor runs in its event transactions, in order (``EventStep``). Called where
    /// the services are assembled (the CLI's runtime, the server's router); installing twice changes nothing.
    /// A new step is added to this list, and touches no adapter.
    public func installEventSteps() {
        events.eventSteps.install([ConsentCaptureStep()])
    }
}
