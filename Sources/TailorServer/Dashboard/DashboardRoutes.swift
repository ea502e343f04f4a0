import Foundation
import Hummingbird
import TailorCore
import TailorEngine
import TailorStore

/// The dashboard under `/app`: server-rendered pages behind a session (docs/DASHBOARD.md). Each page set
/// has its controller; all of them pass through one ``DashboardGate``.
enum DashboardRoutes {
    static func add(to router: Router<TailorRequestContext>, settings: DashboardSettings, stores: Stores, clock: any WallClock,
                    failures: AuthFailureGuard, timeZone: TimeZone) {
        let gate = DashboardGate(service: DashboardService(stores: stores, clock: clock, options: settings.options), settings: settings)
        let profiles = ProfileService(stores: stores)
        SignInController(gate: gate, failures: failures).addRoutes(to: router)
        ProfilePagesController(gate: gate, profiles: profiles, privacy: PrivacyService(stores: stores, clock: clock)).addRoutes(to: router)
        UserPagesController(gate: gate).addRoutes(to: router)
        SegmentPagesController(gate: gate, segments: SegmentService(stores: stores, clock: clock), profiles: profiles).addRoutes(to: router)
        JourneyPagesController(gate: gate, journeys: JourneyService(stores: stores, clock: clock)).addRoutes(to: router)
        let reports = ReportService(stores: stores)
        OverviewPagesController(gate: gate, reports: reports, clock: clock, timeZone: timeZone).addRoutes(to: router)
        CampaignPagesController(gate: gate, campaigns: CampaignService(stores: stores, clock: clock), reports: reports,
                                segments: SegmentService(stores: stores, clock: clock), templates: TemplateService(stores: stores, clock: clock))
            .addRoutes(to: router)
    }
}
