-- Customer search at partner scale (100 000 customers): a trigram index answers "contains"
-- searches (LIKE '%…%') of 3 characters or more without reading every row, and each
-- partner's number of customers is kept, so the unfiltered list does not count them on every
-- request. pg_trgm ships with PostgreSQL and is a trusted extension: a user who may create
-- objects in the database may install it (README, "Running against PostgreSQL").
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX customers_search_trigrams ON customers USING gin (search_text gin_trgm_ops);

-- Kept by `store::customers::insert` in the customer's own transaction.
ALTER TABLE partners ADD COLUMN customer_count BIGINT NOT NULL DEFAULT 0;
UPDATE partners SET customer_count = (SELECT COUNT(*) FROM customers WHERE partner_id = partners.id);
