public import Foundation
import GRDB
public import TailorCore
public import TailorStore

// MARK: - CampaignStore

extension SQLiteDatabase {
    public func insertCampaign(_ c: Campaign) async throws -> Bool {
        try await durableWrite { db in
            try db.execute(sql: """
                INSERT INTO campaigns (\(CampaignRecord.columns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, arguments: [c.id, c.name, c.template, CampaignRecord.list(c.segments), CampaignRecord.list(c.excluded), c.transactional,
                                 c.scheduledAt?.millisecondsSince1970, c.ratePerSecond, c.sendTime.rawValue, c.state.rawValue, c.audience,
                                 c.createdAt.millisecondsSince1970, c.updatedAt.millisecondsSince1970, c.startedAt?.millisecondsSince1970,
                                 c.finishedAt?.millisecondsSince1970, CampaignRecord.experiment(c.experiment)])
            return db.changesCount == 1
        }
    }

    public func campaign(_ idOrName: String) async throws -> Campaign? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(CampaignRecord.columns) FROM campaigns WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1",
                             arguments: [idOrName, idOrName, idOrName]).map(Self.campaign)
        }
    }

    public func campaigns() async throws -> [Campaign] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(CampaignRecord.columns) FROM campaigns ORDER BY created_at DESC, id").map(Self.campaign)
        }
    }

    public func moveCampaign(_ id: String, from: Set<CampaignState>, to: CampaignState, scheduledAt: Date?, at now: Date) async throws -> Bool {
        let nowMs = now.millisecondsSince1970
        return try await durableWrite { db in
            try Self.move(id, from: from, to: to, scheduledAt: scheduledAt?.millisecondsSince1970, nowMs: nowMs, db: db)
        }
    }

    public func startCampaign(_ id: String, from: Set<CampaignState>, include: [String], exclude: [String], at now: Date) async throws -> Int? {
        let nowMs = now.millisecondsSince1970
        return try await durableWrite { db -> Int? in
            guard try Self.move(id, from: from, to: .sending, scheduledAt: nil, nowMs: nowMs, db: db) else { return nil }
            let included = include.map { _ in "?" }.joined(separator: ", ")
            let excluded = exclude.isEmpty
                ? "" : "AND profile_id NOT IN (SELECT profile_id FROM segment_members WHERE segment_id IN (\(exclude.map { _ in "?" }.joined(separator: ", "))))"
            // Each recipient keeps the included segments it was a member of: the report by segment reads them.
            try db.execute(sql: """
                INSERT INTO campaign_recipients (campaign_id, profile_id, status, updated_at, segments)
                SELECT ?, profile_id, 'pending', ?, json_group_array(segment_id) FROM segment_members
                WHERE segment_id IN (\(included)) \(excluded)
                GROUP BY profile_id
                ON CONFLICT DO NOTHING
                """, arguments: StatementArguments([id, nowMs] + include.map { $0 as any DatabaseValueConvertible }
                                                   + exclude.map { $0 as any DatabaseValueConvertible }))
            let audience = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM campaign_recipients WHERE campaign_id = ?", arguments: [id]) ?? 0
            try db.execute(sql: "UPDATE campaigns SET audience = ?, started_at = COALESCE(started_at, ?) WHERE id = ?",
                           arguments: [audience, nowMs, id])
            return audience
        }
    }

    public func pendingRecipients(of campaign: String, after: ProfileID?, limit: Int) async throws -> [ProfileID] {
        try await pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT profile_id FROM campaign_recipients WHERE campaign_id = ? AND status = 'pending' AND profile_id > ?
                  AND NOT (phase IS 'rest' AND variant IS NULL)
                ORDER BY profile_id LIMIT ?
                """, arguments: [campaign, after?.rawValue ?? "", limit]).map { ProfileID($0) }
        }
    }

    public func recordRecipients(of campaign: String, _ outcomes: [RecipientOutcome], messages: [OutboxMessage], at now: Date) async throws -> Int {
        guard !outcomes.isEmpty || !messages.isEmpty else { return 0 }
        let sealed = try sealOutbox(messages)
        let nowMs = now.millisecondsSince1970
        return try await durableWrite { db in
            let update = try db.cachedStatement(sql: """
                UPDATE campaign_recipients SET status = ?, reason = ?, updated_at = ?, variant = COALESCE(?, variant), phase = COALESCE(?, phase)
                WHERE campaign_id = ? AND profile_id = ? AND status = 'pending'
                """)
            for outcome in outcomes {
                let (status, reason) = CampaignRecord.status(outcome.status)
                try update.execute(arguments: [status, reason, nowMs, outcome.variant, outcome.phase?.rawValue, campaign, outcome.profileID.rawValue])
            }
            return try Self.insertOutbox(sealed, nowMs: nowMs, db: db)
        }
    }

    public func withdrawCampaign(_ id: String, at now: Date) async throws -> Int {
        let nowMs = now.millisecondsSince1970
        return try await durableWrite { db in
            try db.execute(sql: """
                UPDATE campaign_recipients SET status = 'cancelled', updated_at = ? WHERE campaign_id = ? AND status = 'pending'
                """, arguments: [nowMs, id])
            try db.execute(sql: "DELETE FROM mail_outbox WHERE campaign = ? AND status = 'queued'", arguments: [id])
            let withdrawn = db.changesCount
            try db.execute(sql: """
                UPDATE campaign_recipients SET status = 'cancelled', updated_at = ?
                WHERE campaign_id = ? AND status = 'queued'
                  AND NOT EXISTS (SELECT 1 FROM mail_outbox WHERE campaign = ? AND profile_id = campaign_recipients.profile_id)
                """, arguments: [nowMs, id, id])
            return withdrawn
        }
    }

    public func campaignCounts(_ id: String) async throws -> CampaignCounts {
        try await pool.read { db in
            var counts = CampaignCounts()
            for row in try Row.fetchAll(db, sql: """
                SELECT status, reason, COUNT(*) FROM campaign_recipients WHERE campaign_id = ? GROUP BY status, reason
                """, arguments: [id]) {
                CampaignRecord.add(status: row[0], reason: row[1], count: row[2], to: &counts)
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT status, COUNT(*), SUM(last_error = 'no_consent') FROM mail_outbox WHERE campaign = ? GROUP BY status
                """, arguments: [id]) {
                if let status = OutboxStatus(rawValue: row[0]) { counts.outbox[status] = row[1] }
                if row[0] == "suppressed" { counts.heldForConsent = row[2] ?? 0 }
            }
            counts.variants = try Row.fetchAll(db, sql: """
                SELECT variant, phase, status, COUNT(*) FROM campaign_recipients
                WHERE campaign_id = ? AND (variant IS NOT NULL OR phase IS NOT NULL)
                GROUP BY variant, phase, status ORDER BY variant, phase, status
                """, arguments: [id]).map { row in
                VariantCount(variant: row[0], phase: (row[1] as String?).flatMap(RecipientPhase.init(rawValue:)), status: row[2], count: row[3])
            }
            return counts
        }
    }

    public func marketingMessages(to profiles: [ProfileID], since: Date) async throws -> [ProfileID: Int] {
        guard !profiles.isEmpty else { return [:] }
        return try await pool.read { db in
            var out: [ProfileID: Int] = [:]
            for chunk in stride(from: 0, to: profiles.count, by: 500) {
                let ids = profiles[chunk..<min(profiles.count, chunk + 500)].map(\.rawValue)
                let rows = try Row.fetchAll(db, sql: """
                    SELECT o.profile_id, COUNT(*) FROM mail_outbox o JOIN campaigns c ON c.id = o.campaign
                    WHERE o.profile_id IN (\(ids.map { _ in "?" }.joined(separator: ", "))) AND o.created_at > ? AND NOT c.transactional
                      AND o.status IN ('queued', 'sending', 'sent')
                    GROUP BY o.profile_id
                    """, arguments: StatementArguments(ids.map { $0 as any DatabaseValueConvertible } + [since.millisecondsSince1970]))
                for row in rows { out[ProfileID(row[0] as String)] = row[1] }
            }
            return out
        }
    }

    public func campaignRecipients(of campaign: String, phase: RecipientPhase?) async throws -> [CampaignRecipient] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT profile_id, status, reason, variant, phase, segments, updated_at FROM campaign_recipients
                WHERE campaign_id = ? AND (? IS NULL OR phase = ?) ORDER BY profile_id
                """, arguments: [campaign, phase?.rawValue, phase?.rawValue]).map { row in
                CampaignRecord.recipient(profile: row[0], status: row[1], reason: row[2], variant: row[3], phase: row[4], segments: row[5],
                                         updatedAt: row[6])
            }
        }
    }

    public func experimentRecord(of campaign: String) async throws -> ExperimentRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT state, winner, checked_at, decided_at, analysis FROM campaign_experiments WHERE campaign_id = ?
                """, arguments: [campaign]).map { row in
                try CampaignRecord.experimentRecord(campaign: campaign, state: row[0], winner: row[1], checkedAt: row[2], decidedAt: row[3],
                                                    analysis: row[4])
            }
        }
    }

    public func recordExperimentCheck(_ campaign: String, state: ExperimentState, analysis: JSONObject, at now: Date) async throws -> Bool {
        let text = JSONWriter.string(.object(analysis))
        let nowMs = now.millisecondsSince1970
        return try await durableWrite { db in
            try db.execute(sql: """
                INSERT INTO campaign_experiments (campaign_id, state, checked_at, analysis) VALUES (?, ?, ?, ?)
                ON CONFLICT (campaign_id) DO UPDATE SET state = excluded.state, checked_at = excluded.checked_at, analysis = excluded.analysis
                WHERE campaign_experiments.state IN ('testing', 'blocked')
                """, arguments: [campaign, state.rawValue, nowMs, text])
            return db.changesCount == 1
        }
    }

    public func decideExperiment(_ campaign: String, state: ExperimentState, winner: String?, analysis: JSONObject, at now: Date) async throws -> Bool {
        let text = JSONWriter.string(.object(analysis))
        let nowMs = now.millisecondsSince1970
        return try await durableWrite { db in
            try db.execute(sql: """
                INSERT INTO campaign_experiments (campaign_id, state, winner, checked_at, decided_at, analysis) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (campaign_id) DO UPDATE SET state = excluded.state, winner = excluded.winner, checked_at = excluded.checked_at,
                  decided_at = excluded.decided_at, analysis = excluded.analysis
                WHERE campaign_experiments.state IN ('testing', 'blocked')
                """, arguments: [campaign, state.rawValue, winner, nowMs, nowMs, text])
            guard db.changesCount == 1 else { return false }
            if let winner, state == .decided {
                try db.execute(sql: """
                    UPDATE campaign_recipients SET variant = ?, updated_at = ?
                    WHERE campaign_id = ? AND status = 'pending' AND phase = 'rest' AND variant IS NULL
                    """, arguments: [winner, nowMs, campaign])
            } else {
                try db.execute(sql: """
                    UPDATE campaign_recipients SET status = 'skipped', reason = ?, updated_at = ?
                    WHERE campaign_id = ? AND status = 'pending' AND phase = 'rest' AND variant IS NULL
                    """, arguments: [CampaignRecord.stoppedReason, nowMs, campaign])
            }
            return true
        }
    }

    /// The compare-and-set of a campaign's state, in the caller's transaction. Entering a final state records when.
    static func move(_ id: String, from: Set<CampaignState>, to: CampaignState, scheduledAt: Int64?, nowMs: Int64, db: Database) throws -> Bool {
        guard !from.isEmpty else { return false }
        let states = from.map(\.rawValue).sorted()
        try db.execute(sql: """
            UPDATE campaigns SET state = ?, updated_at = ?, scheduled_at = COALESCE(?, scheduled_at),
              finished_at = CASE WHEN ? THEN ? ELSE finished_at END
            WHERE id = ? AND state IN (\(states.map { _ in "?" }.joined(separator: ", ")))
            """, arguments: StatementArguments(([to.rawValue, nowMs, scheduledAt, to.isFinal, nowMs, id] as [(any DatabaseValueConvertible)?])
                                               + states.map { $0 as (any DatabaseValueConvertible)? }))
        return db.changesCount == 1
    }

    static func campaign(_ row: Row) throws -> Campaign {
        try CampaignRecord.campaign(id: row[0], name: row[1], template: row[2], segments: row[3], excluded: row[4], transactional: row[5],
                                    scheduledAt: row[6], ratePerSecond: row[7], sendTime: row[8], state: row[9], audience: row[10],
                                    createdAt: row[11], updatedAt: row[12], startedAt: row[13], finishedAt: row[14], experiment: row[15])
    }
}
