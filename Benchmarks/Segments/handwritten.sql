-- Hand-written queries for the seed segments, as an experienced engineer would write them for this schema.
-- One per line after its "-- name" marker; :NOW is replaced by the run script, :CITY by the dialect's JSON
-- access to the city trait. Each returns the number of members.
-- frequent-buyers
SELECT COUNT(*) FROM (SELECT e.profile_id FROM events e JOIN profiles p ON p.id = e.profile_id WHERE p.merged_into IS NULL AND e.name = 'Order Completed' AND e.timestamp > :NOW - 2592000000 AND e.timestamp <= :NOW GROUP BY e.profile_id HAVING COUNT(*) > 5) AS x;
-- engaged-but-infrequent
WITH opened AS (SELECT profile_id FROM events WHERE name = 'Email Opened' AND timestamp > :NOW - 604800000 AND timestamp <= :NOW GROUP BY profile_id HAVING COUNT(*) > 3), buyers AS (SELECT profile_id FROM events WHERE name = 'Order Completed' AND timestamp > :NOW - 2592000000 AND timestamp <= :NOW GROUP BY profile_id HAVING COUNT(*) >= 2) SELECT COUNT(*) FROM profiles p JOIN opened o ON o.profile_id = p.id WHERE p.merged_into IS NULL AND p.id NOT IN (SELECT profile_id FROM buyers);
-- lapsed
SELECT COUNT(*) FROM profiles WHERE merged_into IS NULL AND last_activity <= :NOW - 5184000000;
-- recent-engaged-purchasers
WITH engaged AS (SELECT profile_id FROM events WHERE name IN ('Email Opened', 'Email Clicked') AND timestamp > :NOW - 2592000000 AND timestamp <= :NOW GROUP BY profile_id HAVING COUNT(*) >= 3) SELECT COUNT(*) FROM profiles p JOIN engaged g ON g.profile_id = p.id WHERE p.merged_into IS NULL AND EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.name = 'Order Completed' AND e.timestamp > :NOW - 2592000000 AND e.timestamp <= :NOW);
-- cart-abandoners-over-50
SELECT COUNT(*) FROM profiles p WHERE p.merged_into IS NULL AND p.cart_value > 50 AND p.cart_updated_at <= :NOW - 3600000 AND NOT EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.name = 'Order Completed' AND e.timestamp >= p.cart_updated_at AND e.timestamp <= :NOW);
-- repeat-buyers
SELECT COUNT(*) FROM (SELECT e.profile_id FROM events e JOIN profiles p ON p.id = e.profile_id WHERE p.merged_into IS NULL AND e.name = 'Order Completed' AND e.timestamp > :NOW - 2592000000 AND e.timestamp <= :NOW GROUP BY e.profile_id HAVING COUNT(*) > 3) AS x;
-- new-york
SELECT COUNT(*) FROM profiles WHERE merged_into IS NULL AND :CITY = 'New York';
