public import TailorStore

extension Stores {
    /// The event steps every Tailor runs in its event transactions, in order (``EventStep``). Called where
    /// the services are assembled (the CLI's runtime, the server's router); installing twice changes nothing.
    /// A new step is added to this list, and touches no adapter.
    /// `wakeups` hears of every journey step due time the trigger step sets (the server's `JourneyRunner`
    /// sleeps on it).
    public func installEventSteps(journeyWakeups: JourneyWakeups = JourneyWakeups()) {
        events.eventSteps.install([ConsentCaptureStep(), JourneyTriggerStep(wakeups: journeyWakeups), WebhookSubscriptionStep()])
    }
}
