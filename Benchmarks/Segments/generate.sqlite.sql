-- Synthetic shop for the audience benchmark, SQLite. The run script replaces :PROFILES, :PER and :NOW.
-- Deterministic (a multiplicative hash of the row number), shaped like the demo: 10 % in New York, half of
-- the events in the last 60 days, one profile in 50 a heavy buyer, one in 40 a heavy reader of emails.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
DROP INDEX IF EXISTS events_profile_time;
DROP INDEX IF EXISTS events_name_time;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :PROFILES - 1)
INSERT INTO profiles (id, created_at, updated_at, traits, trait_stamps, event_count, first_seen, last_seen, last_activity,
                      order_count, revenue, last_order_at, last_order_value, email_opens, email_clicks, cart, cart_value, cart_updated_at)
SELECT printf('p_%08d', i), :NOW - 46656000000, :NOW,
       json_object('city', CASE (i * 2654435761) % 10 WHEN 0 THEN 'New York' WHEN 1 THEN 'Paris' WHEN 2 THEN 'Berlin' ELSE 'Springfield' END,
                   'plan', CASE (i * 40503) % 3 WHEN 0 THEN 'free' WHEN 1 THEN 'pro' ELSE 'enterprise' END),
       '{}', :PER, :NOW - 46656000000, :NOW - ((i * 7919) % 86400) * 60000,
       :NOW - ((i * 2654435761) % 172800) * 60000,
       (i * 31) % 12, ((i * 97) % 1000) * 1.5, :NOW - ((i * 7919) % 576000) * 60000, (i * 13) % 300,
       (i * 17) % 40, (i * 7) % 10,
       '[]', CASE WHEN (i * 2654435761) % 10 < 3 THEN 0 ELSE ((i * 40503) % 200) END,
       :NOW - ((i * 40503) % 4320) * 60000
FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :PROFILES * :PER - 1),
h(i, p, x) AS (SELECT i, i / :PER, (i * 2654435761) % 1000003 FROM n)
INSERT INTO events (message_id, profile_id, type, name, timestamp, received_at, properties, traits)
SELECT printf('m%010d', i), printf('p_%08d', p),
       CASE WHEN x % 100 BETWEEN 40 AND 54 AND NOT (p % 50 = 0 AND x % 2 = 0) AND NOT (p % 40 = 1 AND x % 3 = 0) THEN 'page' ELSE 'track' END,
       CASE WHEN p % 50 = 0 AND x % 2 = 0 THEN 'Order Completed' WHEN p % 40 = 1 AND x % 3 = 0 THEN 'Email Opened'
            WHEN x % 100 < 40 THEN 'Product Viewed' WHEN x % 100 < 55 THEN 'Home' WHEN x % 100 < 67 THEN 'Product Added'
            WHEN x % 100 < 82 THEN 'Email Opened' WHEN x % 100 < 87 THEN 'Email Clicked' WHEN x % 100 < 95 THEN 'Order Completed'
            ELSE 'Email Sent' END,
       CASE WHEN p % 40 = 1 AND x % 3 = 0 THEN :NOW - (x % 20160) * 60000
            WHEN x % 2 = 0 THEN :NOW - (x % 86400) * 60000 ELSE :NOW - ((x * 7) % 777600) * 60000 END,
       :NOW,
       CASE WHEN x % 100 BETWEEN 87 AND 94 OR (p % 50 = 0 AND x % 2 = 0) THEN json_object('revenue', x % 300)
            WHEN x % 100 BETWEEN 55 AND 66 THEN json_object('product_id', 'sku-' || (x % 500), 'price', x % 120)
            ELSE '{}' END,
       '{}'
FROM h;
COMMIT;
CREATE INDEX events_profile_time ON events(profile_id, timestamp);
CREATE INDEX events_name_time ON events(name, timestamp);
ANALYZE;
