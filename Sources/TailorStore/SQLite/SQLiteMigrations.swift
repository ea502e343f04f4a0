import GRDB

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
        registerMail(&migrator)
        return migrator
    }
}
