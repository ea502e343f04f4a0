import TailorStore
/// PostgreSQL's schema, as named, append-only migrations. Never edit a registered migration: add one.
///
/// Same tables and meaning as SQLite's (`SQLiteMigrations`); the differences are types: times are BIGINT
/// milliseconds, JSON is JSONB (the segment compiler queries traits and properties), sealed personal fields
/// are BYTEA, and keys use the "C" collation (byte order, as SQLite compares, and cheaper to index).
/// Each statement is separate because the extended query protocol runs one statement per query.
enum PostgresMigrations {
    struct Migration: Sendable {
        var name: String
        var statements: [String]
    }

    /// The key of the advisory lock that serializes migrations across nodes starting at once.
    static let lockKey: Int64 = 0x7461_696C_6F72_6D67  // "tailormg"

    static let all: [Migration] = [
        Migration(name: "0001_core", statements: [
            """
            CREATE TABLE profiles (
              id TEXT COLLATE "C" PRIMARY KEY,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL,
              merged_into TEXT COLLATE "C" REFERENCES profiles(id),
              traits JSONB NOT NULL DEFAULT '{}',
              personal BYTEA,
              trait_stamps JSONB NOT NULL DEFAULT '{}',
              event_count BIGINT NOT NULL DEFAULT 0,
              first_seen BIGINT,
              last_seen BIGINT,
              last_activity BIGINT,
              order_count BIGINT NOT NULL DEFAULT 0,
              revenue DOUBLE PRECISION NOT NULL DEFAULT 0,
              last_order_at BIGINT,
              last_order_value DOUBLE PRECISION,
              last_order_key TEXT COLLATE "C",
              email_opens BIGINT NOT NULL DEFAULT 0,
              email_clicks BIGINT NOT NULL DEFAULT 0,
              cart JSONB NOT NULL DEFAULT '[]',
              cart_value DOUBLE PRECISION NOT NULL DEFAULT 0,
              cart_updated_at BIGINT,
              cart_clock TEXT COLLATE "C"
            )
            """,
            // Merges repoint profiles that were merged into the one being merged away.
            "CREATE INDEX profiles_merged_into ON profiles(merged_into) WHERE merged_into IS NOT NULL",
            """
            CREATE TABLE identities (
              kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('user', 'anonymous', 'email')),
              value TEXT COLLATE "C" NOT NULL,
              profile_id TEXT COLLATE "C" NOT NULL REFERENCES profiles(id),
              created_at BIGINT NOT NULL,
              PRIMARY KEY (kind, value)
            )
            """,
            "CREATE INDEX identities_profile ON identities(profile_id)",
            """
            CREATE TABLE events (
              seq BIGSERIAL PRIMARY KEY,
              message_id TEXT COLLATE "C" NOT NULL UNIQUE,
              profile_id TEXT COLLATE "C" NOT NULL REFERENCES profiles(id),
              type TEXT NOT NULL,
              name TEXT NOT NULL,
              timestamp BIGINT NOT NULL,
              received_at BIGINT NOT NULL,
              user_id TEXT,
              anonymous_id TEXT,
              properties JSONB NOT NULL DEFAULT '{}',
              traits JSONB NOT NULL DEFAULT '{}',
              personal BYTEA
            )
            """,
            // A profile's events page by sequence (admin API) and are read whole on rebuilds and merges.
            "CREATE INDEX events_profile_seq ON events(profile_id, seq)",
            "CREATE INDEX events_name_time ON events(name, timestamp)",
            """
            CREATE TABLE merges (
              id BIGSERIAL PRIMARY KEY,
              from_profile TEXT COLLATE "C" NOT NULL,
              into_profile TEXT COLLATE "C" NOT NULL,
              reason TEXT NOT NULL,
              message_id TEXT COLLATE "C" NOT NULL,
              at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX merges_into ON merges(into_profile)",
            """
            CREATE TABLE products (
              id TEXT COLLATE "C" PRIMARY KEY,
              name TEXT NOT NULL,
              category TEXT,
              price DOUBLE PRECISION,
              in_stock BOOLEAN NOT NULL DEFAULT TRUE,
              url TEXT,
              image_url TEXT,
              attributes JSONB NOT NULL DEFAULT '{}',
              updated_at BIGINT NOT NULL
            )
            """,
        ]),
        // Small named values every node must agree on (the generated write key, the admin key's hash).
        Migration(name: "0002_settings", statements: [
            """
            CREATE TABLE settings (
              name TEXT COLLATE "C" PRIMARY KEY,
              value TEXT NOT NULL,
              updated_at BIGINT NOT NULL
            )
            """,
        ]),
        Migration(name: "0003_segments", statements: [
            """
            CREATE TABLE segments (
              id TEXT COLLATE "C" PRIMARY KEY,
              name TEXT NOT NULL UNIQUE,
              description TEXT NOT NULL DEFAULT '',
              definition JSONB NOT NULL,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL
            )
            """,
            "CREATE TABLE segment_catalog (version BIGINT NOT NULL)",
            "INSERT INTO segment_catalog (version) VALUES (0)",
            """
            CREATE TABLE segment_members (
              segment_id TEXT COLLATE "C" NOT NULL,
              profile_id TEXT COLLATE "C" NOT NULL,
              since BIGINT NOT NULL,
              PRIMARY KEY (segment_id, profile_id)
            )
            """,
            "CREATE INDEX segment_members_profile ON segment_members(profile_id)",
            // A profile's events by time: the segment compiler's correlated subqueries and the real-time loader.
            "CREATE INDEX events_profile_time ON events(profile_id, timestamp)",
            """
            CREATE TABLE segment_history (
              id BIGSERIAL PRIMARY KEY,
              segment_id TEXT COLLATE "C" NOT NULL,
              segment_name TEXT NOT NULL,
              profile_id TEXT COLLATE "C" NOT NULL,
              entered BOOLEAN NOT NULL,
              at BIGINT NOT NULL,
              reason TEXT NOT NULL
            )
            """,
            "CREATE INDEX segment_history_segment ON segment_history(segment_id, at)",
            "CREATE INDEX segment_history_profile ON segment_history(profile_id, at)",
            """
            CREATE TABLE segment_timers (
              profile_id TEXT COLLATE "C" PRIMARY KEY,
              due_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX segment_timers_due ON segment_timers(due_at)",
            """
            CREATE TABLE segment_sizes (
              segment_id TEXT COLLATE "C" NOT NULL,
              at BIGINT NOT NULL,
              size BIGINT NOT NULL,
              PRIMARY KEY (segment_id, at)
            )
            """,
            """
            CREATE TABLE rfm_scores (
              profile_id TEXT COLLATE "C" PRIMARY KEY,
              recency INT NOT NULL,
              frequency INT NOT NULL,
              monetary INT NOT NULL,
              code TEXT NOT NULL,
              rfm_group TEXT NOT NULL,
              computed_at BIGINT NOT NULL
            )
            """,
            // Milliseconds of an ISO-8601 text trait, NULL when it is not one (the segment compiler's dates).
            """
            CREATE FUNCTION tailor_ms(t text) RETURNS bigint LANGUAGE plpgsql IMMUTABLE SET timezone = 'UTC' AS $$
            BEGIN
              IF t !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' THEN RETURN NULL; END IF;
              RETURN round(extract(epoch FROM t::timestamptz) * 1000)::bigint;
            EXCEPTION WHEN others THEN
              RETURN NULL;
            END
            $$
            """,
        ]),
        mail,
        models,
        campaigns,
        consent,
        journeys,
        dashboard,
        pendingEvents,
        privacy,
        experiments,
        webhooks,
        apiKeys,
        overview,
        cartLedger,
    ]
}
