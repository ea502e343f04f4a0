import GRDB
import TailorStore

/// SQLite's schema, as named, append-only migrations. Never edit a registered migration: add one.
enum SQLiteMigrations {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("0001_core") { db in
            try db.execute(sql: """
                CREATE TABLE profiles (
                  id TEXT PRIMARY KEY NOT NULL,
                  created_at INTEGER NOT NULL,
                  updated_at INTEGER NOT NULL,
                  merged_into TEXT REFERENCES profiles(id),
                  traits TEXT NOT NULL DEFAULT '{}',
                  personal BLOB,
                  trait_stamps TEXT NOT NULL DEFAULT '{}',
                  event_count INTEGER NOT NULL DEFAULT 0,
                  first_seen INTEGER,
                  last_seen INTEGER,
                  last_activity INTEGER,
                  order_count INTEGER NOT NULL DEFAULT 0,
                  revenue REAL NOT NULL DEFAULT 0,
                  last_order_at INTEGER,
                  last_order_value REAL,
                  last_order_key TEXT,
                  email_opens INTEGER NOT NULL DEFAULT 0,
                  email_clicks INTEGER NOT NULL DEFAULT 0,
                  cart TEXT NOT NULL DEFAULT '[]',
                  cart_value REAL NOT NULL DEFAULT 0,
                  cart_updated_at INTEGER,
                  cart_clock TEXT
                );
                CREATE TABLE identities (
                  kind TEXT NOT NULL CHECK (kind IN ('user', 'anonymous', 'email')),
                  value TEXT NOT NULL,
                  profile_id TEXT NOT NULL REFERENCES profiles(id),
                  created_at INTEGER NOT NULL,
                  PRIMARY KEY (kind, value)
                ) WITHOUT ROWID;
                CREATE INDEX identities_profile ON identities(profile_id);
                CREATE TABLE events (
                  seq INTEGER PRIMARY KEY AUTOINCREMENT,
                  message_id TEXT NOT NULL UNIQUE,
                  profile_id TEXT NOT NULL REFERENCES profiles(id),
                  type TEXT NOT NULL,
                  name TEXT NOT NULL,
                  timestamp INTEGER NOT NULL,
                  received_at INTEGER NOT NULL,
                  user_id TEXT,
                  anonymous_id TEXT,
                  properties TEXT NOT NULL DEFAULT '{}',
                  traits TEXT NOT NULL DEFAULT '{}',
                  personal BLOB
                );
                CREATE INDEX events_profile_time ON events(profile_id, timestamp);
                CREATE INDEX events_name_time ON events(name, timestamp);
                CREATE TABLE merges (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  from_profile TEXT NOT NULL,
                  into_profile TEXT NOT NULL,
                  reason TEXT NOT NULL,
                  message_id TEXT NOT NULL,
                  at INTEGER NOT NULL
                );
                CREATE INDEX merges_into ON merges(into_profile);
                CREATE TABLE products (
                  id TEXT PRIMARY KEY NOT NULL,
                  name TEXT NOT NULL,
                  category TEXT,
                  price REAL,
                  in_stock INTEGER NOT NULL DEFAULT 1,
                  url TEXT,
                  image_url TEXT,
                  attributes TEXT NOT NULL DEFAULT '{}',
                  updated_at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("0002_settings") { db in
            try db.execute(sql: """
                CREATE TABLE settings (
                  name TEXT PRIMARY KEY NOT NULL,
                  value TEXT NOT NULL,
                  updated_at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("0003_segments") { db in
            try db.execute(sql: """
                CREATE TABLE segments (
                  id TEXT PRIMARY KEY NOT NULL,
                  name TEXT NOT NULL UNIQUE,
                  description TEXT NOT NULL DEFAULT '',
                  definition TEXT NOT NULL,
                  created_at INTEGER NOT NULL,
                  updated_at INTEGER NOT NULL
                );
                CREATE TABLE segment_catalog (version INTEGER NOT NULL);
                INSERT INTO segment_catalog (version) VALUES (0);
                CREATE TABLE segment_members (
                  segment_id TEXT NOT NULL,
                  profile_id TEXT NOT NULL,
                  since INTEGER NOT NULL,
                  PRIMARY KEY (segment_id, profile_id)
                ) WITHOUT ROWID;
                CREATE INDEX segment_members_profile ON segment_members(profile_id);
                CREATE TABLE segment_history (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  segment_id TEXT NOT NULL,
                  segment_name TEXT NOT NULL,
                  profile_id TEXT NOT NULL,
                  entered INTEGER NOT NULL,
                  at INTEGER NOT NULL,
                  reason TEXT NOT NULL
                );
                CREATE INDEX segment_history_segment ON segment_history(segment_id, at);
                CREATE INDEX segment_history_profile ON segment_history(profile_id, at);
                CREATE TABLE segment_timers (
                  profile_id TEXT PRIMARY KEY NOT NULL,
                  due_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX segment_timers_due ON segment_timers(due_at);
                CREATE TABLE segment_sizes (
                  segment_id TEXT NOT NULL,
                  at INTEGER NOT NULL,
                  size INTEGER NOT NULL,
                  PRIMARY KEY (segment_id, at)
                ) WITHOUT ROWID;
                CREATE TABLE rfm_scores (
                  profile_id TEXT PRIMARY KEY NOT NULL,
                  recency INTEGER NOT NULL,
                  frequency INTEGER NOT NULL,
                  monetary INTEGER NOT NULL,
                  code TEXT NOT NULL,
                  rfm_group TEXT NOT NULL,
                  computed_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        registerMail(&migrator)
        migrator.registerMigration("0005_models") { db in try db.execute(sql: SQLiteMigrations.models) }
        migrator.registerMigration("0006_campaigns") { db in try db.execute(sql: SQLiteMigrations.campaigns) }
        migrator.registerMigration("0007_consent") { db in try db.execute(sql: SQLiteMigrations.consent) }
        migrator.registerMigration("0008_journeys") { db in try db.execute(sql: SQLiteMigrations.journeys) }
        migrator.registerMigration("0009_dashboard") { db in try db.execute(sql: SQLiteMigrations.dashboard) }
        migrator.registerMigration("0010_pending_events") { db in try db.execute(sql: SQLiteMigrations.pendingEvents) }
        migrator.registerMigration("0011_privacy") { db in try db.execute(sql: SQLiteMigrations.privacy) }
        migrator.registerMigration("0012_experiments") { db in try db.execute(sql: SQLiteMigrations.experiments) }
        migrator.registerMigration("0013_journey_waits_webhooks") { db in try db.execute(sql: SQLiteMigrations.webhooks) }
        migrator.registerMigration("0014_api_keys") { db in try db.execute(sql: SQLiteMigrations.apiKeys) }
        migrator.registerMigration("0015_overview") { db in try db.execute(sql: SQLiteMigrations.overview) }
        migrator.registerMigration("0017_cart_ledger") { db in try db.execute(sql: SQLiteMigrations.cartLedger) }
        return migrator
    }
}
