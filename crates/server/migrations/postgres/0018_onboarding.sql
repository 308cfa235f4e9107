-- The PostgreSQL twin of ../sqlite/0018_onboarding.sql.
-- Customers added in the product (Customers → Add customer): the company's address and tax ID,
-- who accepted the Microsoft Customer Agreement and when, and the partner user who confirmed
-- it. Customers seeded before this have none of them (NULL).
ALTER TABLE customers ADD COLUMN address_line1 TEXT;
ALTER TABLE customers ADD COLUMN address_line2 TEXT;
ALTER TABLE customers ADD COLUMN city TEXT;
ALTER TABLE customers ADD COLUMN region TEXT;
ALTER TABLE customers ADD COLUMN postal_code TEXT;
ALTER TABLE customers ADD COLUMN tax_id TEXT COLLATE "C";
ALTER TABLE customers ADD COLUMN agreement_accepted_by_name TEXT;
ALTER TABLE customers ADD COLUMN agreement_accepted_by_email TEXT COLLATE "C";
ALTER TABLE customers ADD COLUMN agreement_accepted_at TEXT COLLATE "C";
ALTER TABLE customers ADD COLUMN agreement_confirmed_by TEXT COLLATE "C";

-- Who changed a customer's details, from what to what (append-only: the code never updates
-- or deletes rows here).
CREATE TABLE customer_changes (
    id           TEXT COLLATE "C" PRIMARY KEY,
    customer_id  TEXT COLLATE "C" NOT NULL REFERENCES customers (id),
    field        TEXT COLLATE "C" NOT NULL,
    old_value    TEXT,
    new_value    TEXT NOT NULL,
    changed_by   TEXT COLLATE "C" NOT NULL,
    changed_at   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX customer_changes_by_customer ON customer_changes (customer_id, changed_at);

-- A customer added with an Idempotency-Key is added once (the key is claimed before the
-- customer is written, in one transaction, as for orders).
CREATE TABLE customer_keys (
    partner_id       TEXT COLLATE "C" NOT NULL REFERENCES partners (id),
    idempotency_key  TEXT COLLATE "C" NOT NULL,
    request_hash     TEXT COLLATE "C" NOT NULL,
    customer_id      TEXT COLLATE "C" NOT NULL,
    created_at       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (partner_id, idempotency_key)
);
