public import Foundation
import PostgresNIO
public import TailorCore
public import TailorStore

// MARK: - CampaignStore

extension PostgresDatabase {
    public func insertCampaign(_ c: Campaign) async throws -> Bool {
        try await withContext("saving a campaign") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    INSERT INTO campaigns (\(unescaped: CampaignRecord.columns))
                    VALUES (\(c.id), \(PostgresText.clean(c.name)), \(PostgresText.clean(c.template)),
                            \(PostgresText.json(CampaignRecord.list(c.segments)))::jsonb, \(PostgresText.json(CampaignRecord.list(c.excluded)))::jsonb,
                            \(c.transactional), \(c.scheduledAt?.millisecondsSince1970), \(c.ratePerSecond.map { Int32(clamping: $0) }),
                            \(c.sendTime.rawValue), \(c.state.rawValue), \(c.audience.map(Int64.init)), \(c.createdAt.millisecondsSince1970),
                            \(c.updatedAt.millisecondsSince1970), \(c.startedAt?.millisecondsSince1970), \(c.finishedAt?.millisecondsSince1970),
                            \(CampaignRecord.experiment(c.experiment).map(PostgresText.json))::jsonb)
                    ON CONFLICT DO NOTHING RETURNING id
                    """, on: conn).count == 1
            }
        }
    }

    public func campaign(_ idOrName: String) async throws -> Campaign? {
        let key = PostgresText.clean(idOrName)
        return try await withContext("reading a campaign") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT \(unescaped: Self.campaignColumns) FROM campaigns WHERE id = \(key) OR name = \(key)
                    ORDER BY id = \(key) DESC LIMIT 1
                    """, on: conn).first.map(Self.campaign)
            }
        }
    }

    public func campaigns() async throws -> [Campaign] {
        try await withContext("listing campaigns") {
            try await self.client.withConnection { conn in
                try await self.rows("SELECT \(unescaped: Self.campaignColumns) FROM campaigns ORDER BY created_at DESC, id", on: conn)
                    .map(Self.campaign)
            }
        }
    }

    public func moveCampaign(_ id: String, from: Set<CampaignState>, to: CampaignState, scheduledAt: Date?, at now: Date) async throws -> Bool {
        try await withContext("moving a campaign") {
            try await self.client.withConnection { conn in
                try await self.move(id, from: from, to: to, scheduledAt: scheduledAt?.millisecondsSince1970, nowMs: now.millisecondsSince1970, on: conn)
            }
        }
    }

    public func startCampaign(_ id: String, from: Set<CampaignState>, include: [String], exclude: [String], at now: Date) async throws -> Int? {
        let nowMs = now.millisecondsSince1970
        return try await withContext("starting a campaign") {
            try await self.retrying {
                try await self.transaction { conn -> Int? in
                    guard try await self.move(id, from: from, to: .sending, scheduledAt: nil, nowMs: nowMs, on: conn) else { return nil }
                    try await conn.query("""
                        INSERT INTO campaign_recipients (campaign_id, profile_id, status, updated_at, segments)
                        SELECT \(id), profile_id, 'pending', \(nowMs), jsonb_agg(segment_id ORDER BY segment_id) FROM segment_members
                        WHERE segment_id = ANY(\(include)::text[])
                          AND profile_id NOT IN (SELECT profile_id FROM segment_members WHERE segment_id = ANY(\(exclude)::text[]))
                        GROUP BY profile_id
                        ON CONFLICT DO NOTHING
                        """, logger: self.logger)
                    let audience = try await self.rows("SELECT COUNT(*) FROM campaign_recipients WHERE campaign_id = \(id)", on: conn)
                        .first.map { try $0[0].decode(Int64.self) } ?? 0
                    try await conn.query("""
                        UPDATE campaigns SET audience = \(audience), started_at = COALESCE(started_at, \(nowMs)) WHERE id = \(id)
                        """, logger: self.logger)
                    return Int(audience)
                }
            }
        }
    }

    public func pendingRecipients(of campaign: String, after: ProfileID?, limit: Int) async throws -> [ProfileID] {
        try await withContext("reading a campaign's recipients") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT profile_id FROM campaign_recipients
                    WHERE campaign_id = \(campaign) AND status = 'pending' AND profile_id > \(after?.rawValue ?? "")
                      AND (phase IS DISTINCT FROM 'rest' OR variant IS NOT NULL)
                    ORDER BY profile_id LIMIT \(Int64(max(0, limit)))
                    """, on: conn).map { ProfileID(try $0[0].decode(String.self)) }
            }
        }
    }

    public func recordRecipients(of campaign: String, _ outcomes: [RecipientOutcome], messages: [OutboxMessage], at now: Date) async throws -> Int {
        guard !outcomes.isEmpty || !messages.isEmpty else { return 0 }
        let nowMs = now.millisecondsSince1970
        let profiles = outcomes.map(\.profileID.rawValue)
        let statuses = outcomes.map { CampaignRecord.status($0.status).0 }
        let reasons = PostgresArray(outcomes.map { CampaignRecord.status($0.status).1 })
        let variants = PostgresArray(outcomes.map { PostgresText.clean($0.variant) })
        let phases = PostgresArray(outcomes.map { $0.phase?.rawValue })
        return try await withContext("recording a campaign's recipients") {
            try await self.retrying {
                try await self.transaction { conn in
                    try await conn.query("""
                        UPDATE campaign_recipients AS r SET status = u.status, reason = u.reason, updated_at = \(nowMs),
                          variant = COALESCE(u.variant, r.variant), phase = COALESCE(u.phase, r.phase)
                        FROM UNNEST(\(profiles)::text[], \(statuses)::text[], \(reasons)::text[], \(variants)::text[], \(phases)::text[])
                          AS u(profile_id, status, reason, variant, phase)
                        WHERE r.campaign_id = \(campaign) AND r.profile_id = u.profile_id AND r.status = 'pending'
                        """, logger: self.logger)
                    return try await self.insertOutbox(messages, nowMs: nowMs, on: conn)
                }
            }
        }
    }

    public func withdrawCampaign(_ id: String, at now: Date) async throws -> Int {
        let nowMs = now.millisecondsSince1970
        return try await withContext("withdrawing a campaign") {
            try await self.transaction { conn in
                try await conn.query("""
                    UPDATE campaign_recipients SET status = 'cancelled', updated_at = \(nowMs) WHERE campaign_id = \(id) AND status = 'pending'
                    """, logger: self.logger)
                let withdrawn = try await self.rows("""
                    DELETE FROM mail_outbox WHERE campaign = \(id) AND status = 'queued' RETURNING id
                    """, on: conn).count
                try await conn.query("""
                    UPDATE campaign_recipients AS r SET status = 'cancelled', updated_at = \(nowMs)
                    WHERE r.campaign_id = \(id) AND r.status = 'queued'
                      AND NOT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.campaign = \(id) AND o.profile_id = r.profile_id)
                    """, logger: self.logger)
                return withdrawn
            }
        }
    }

    public func campaignCounts(_ id: String) async throws -> CampaignCounts {
        try await withContext("counting a campaign") {
            try await self.transaction(readOnly: true) { conn in
                var counts = CampaignCounts()
                for r in try await self.rows("""
                    SELECT status, reason, COUNT(*) FROM campaign_recipients WHERE campaign_id = \(id) GROUP BY status, reason
                    """, on: conn) {
                    CampaignRecord.add(status: try r[0].decode(String.self), reason: try r[1].decode(String?.self),
                                       count: Int(try r[2].decode(Int64.self)), to: &counts)
                }
                for r in try await self.rows("""
                    SELECT status, COUNT(*), COUNT(*) FILTER (WHERE last_error = 'no_consent') FROM mail_outbox WHERE campaign = \(id) GROUP BY status
                    """, on: conn) {
                    let text = try r[0].decode(String.self)
                    if let status = OutboxStatus(rawValue: text) { counts.outbox[status] = Int(try r[1].decode(Int64.self)) }
                    if text == "suppressed" { counts.heldForConsent = Int(try r[2].decode(Int64.self)) }
                }
                counts.variants = try await self.rows("""
                    SELECT variant, phase, status, COUNT(*) FROM campaign_recipients
                    WHERE campaign_id = \(id) AND (variant IS NOT NULL OR phase IS NOT NULL)
                    GROUP BY variant, phase, status ORDER BY variant, phase, status
                    """, on: conn).map { r in
                    VariantCount(variant: try r[0].decode(String?.self), phase: try r[1].decode(String?.self).flatMap(RecipientPhase.init(rawValue:)),
                                 status: try r[2].decode(String.self), count: Int(try r[3].decode(Int64.self)))
                }
                return counts
            }
        }
    }

    public func marketingMessages(to profiles: [ProfileID], since: Date) async throws -> [ProfileID: Int] {
        guard !profiles.isEmpty else { return [:] }
        let ids = profiles.map(\.rawValue)
        return try await withContext("counting marketing messages") {
            try await self.client.withConnection { conn in
                var out: [ProfileID: Int] = [:]
                for r in try await self.rows("""
                    SELECT o.profile_id, COUNT(*) FROM mail_outbox o JOIN campaigns c ON c.id = o.campaign
                    WHERE o.profile_id = ANY(\(ids)::text[]) AND o.created_at > \(since.millisecondsSince1970) AND NOT c.transactional
                      AND o.status IN ('queued', 'sending', 'sent')
                    GROUP BY o.profile_id
                    """, on: conn) {
                    out[ProfileID(try r[0].decode(String.self))] = Int(try r[1].decode(Int64.self))
                }
                return out
            }
        }
    }

    public func campaignRecipients(of campaign: String, phase: RecipientPhase?) async throws -> [CampaignRecipient] {
        try await withContext("reading a campaign's recipients") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT profile_id, status, reason, variant, phase, segments::text, updated_at FROM campaign_recipients
                    WHERE campaign_id = \(campaign) AND (\(phase?.rawValue)::text IS NULL OR phase = \(phase?.rawValue)::text) ORDER BY profile_id
                    """, on: conn).map { r in
                    CampaignRecord.recipient(profile: try r[0].decode(String.self), status: try r[1].decode(String.self),
                                             reason: try r[2].decode(String?.self), variant: try r[3].decode(String?.self),
                                             phase: try r[4].decode(String?.self), segments: try r[5].decode(String?.self),
                                             updatedAt: try r[6].decode(Int64.self))
                }
            }
        }
    }

    public func experimentRecord(of campaign: String) async throws -> ExperimentRecord? {
        try await withContext("reading a campaign's experiment") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    SELECT state, winner, checked_at, decided_at, analysis::text FROM campaign_experiments WHERE campaign_id = \(campaign)
                    """, on: conn).first.map { r in
                    try CampaignRecord.experimentRecord(campaign: campaign, state: try r[0].decode(String.self), winner: try r[1].decode(String?.self),
                                                        checkedAt: try r[2].decode(Int64.self), decidedAt: try r[3].decode(Int64?.self),
                                                        analysis: try r[4].decode(String.self))
                }
            }
        }
    }

    public func recordExperimentCheck(_ campaign: String, state: ExperimentState, analysis: JSONObject, at now: Date) async throws -> Bool {
        let text = PostgresText.json(JSONWriter.string(.object(analysis)))
        let nowMs = now.millisecondsSince1970
        return try await withContext("recording an experiment's check") {
            try await self.client.withConnection { conn in
                try await self.rows("""
                    INSERT INTO campaign_experiments (campaign_id, state, checked_at, analysis)
                    VALUES (\(campaign), \(state.rawValue), \(nowMs), \(text)::jsonb)
                    ON CONFLICT (campaign_id) DO UPDATE SET state = excluded.state, checked_at = excluded.checked_at, analysis = excluded.analysis
                    WHERE campaign_experiments.state IN ('testing', 'blocked')
                    RETURNING campaign_id
                    """, on: conn).count == 1
            }
        }
    }

    public func decideExperiment(_ campaign: String, state: ExperimentState, winner: String?, analysis: JSONObject, at now: Date) async throws -> Bool {
        let text = PostgresText.json(JSONWriter.string(.object(analysis)))
        let nowMs = now.millisecondsSince1970
        let winner = PostgresText.clean(winner)
        return try await withContext("deciding an experiment") {
            try await self.retrying {
                try await self.transaction { conn in
                    guard try await self.rows("""
                        INSERT INTO campaign_experiments (campaign_id, state, winner, checked_at, decided_at, analysis)
                        VALUES (\(campaign), \(state.rawValue), \(winner), \(nowMs), \(nowMs), \(text)::jsonb)
                        ON CONFLICT (campaign_id) DO UPDATE SET state = excluded.state, winner = excluded.winner, checked_at = excluded.checked_at,
                          decided_at = excluded.decided_at, analysis = excluded.analysis
                        WHERE campaign_experiments.state IN ('testing', 'blocked')
                        RETURNING campaign_id
                        """, on: conn).count == 1 else { return false }
                    if let winner, state == .decided {
                        try await conn.query("""
                            UPDATE campaign_recipients SET variant = \(winner), updated_at = \(nowMs)
                            WHERE campaign_id = \(campaign) AND status = 'pending' AND phase = 'rest' AND variant IS NULL
                            """, logger: self.logger)
                    } else {
                        try await conn.query("""
                            UPDATE campaign_recipients SET status = 'skipped', reason = \(CampaignRecord.stoppedReason), updated_at = \(nowMs)
                            WHERE campaign_id = \(campaign) AND status = 'pending' AND phase = 'rest' AND variant IS NULL
                            """, logger: self.logger)
                    }
                    return true
                }
            }
        }
    }

    /// The compare-and-set of a campaign's state on the caller's connection. Entering a final state records when.
    func move(_ id: String, from: Set<CampaignState>, to: CampaignState, scheduledAt: Int64?, nowMs: Int64, on conn: PostgresConnection) async throws -> Bool {
        let states = from.map(\.rawValue).sorted()
        return try await rows("""
            UPDATE campaigns SET state = \(to.rawValue), updated_at = \(nowMs), scheduled_at = COALESCE(\(scheduledAt)::int8, scheduled_at),
              finished_at = CASE WHEN \(to.isFinal) THEN \(nowMs)::int8 ELSE finished_at END
            WHERE id = \(id) AND state = ANY(\(states)::text[]) RETURNING id
            """, on: conn).count == 1
    }

    /// `CampaignRecord.columns`, JSONB read back as text.
    static let campaignColumns = """
        id, name, template, segments::text, excluded::text, transactional, scheduled_at, rate_per_second, send_time, state, audience, \
        created_at, updated_at, started_at, finished_at, experiment::text
        """

    static func campaign(_ r: PostgresRandomAccessRow) throws -> Campaign {
        try CampaignRecord.campaign(
            id: try r[0].decode(String.self), name: try r[1].decode(String.self), template: try r[2].decode(String.self),
            segments: try r[3].decode(String.self), excluded: try r[4].decode(String.self), transactional: try r[5].decode(Bool.self),
            scheduledAt: try r[6].decode(Int64?.self), ratePerSecond: try r[7].decode(Int32?.self).map(Int.init),
            sendTime: try r[8].decode(String.self), state: try r[9].decode(String.self), audience: try r[10].decode(Int64?.self).map(Int.init),
            createdAt: try r[11].decode(Int64.self), updatedAt: try r[12].decode(Int64.self), startedAt: try r[13].decode(Int64?.self),
            finishedAt: try r[14].decode(Int64?.self), experiment: try r[15].decode(String?.self))
    }
}
