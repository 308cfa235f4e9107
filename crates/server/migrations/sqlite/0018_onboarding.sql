-- Customers added in the product (Customers → Add customer): the company's address and tax ID,
-- who accepted the Microsoft Customer Agreement and when, and the partner user who confirmed
-- it. Customers seeded before this have none of them (NULL).
ALTER TABLE customers ADD COLUMN address_line1 TEXT;
ALTER TABLE customers ADD COLUMN address_line2 TEXT;
ALTER TABLE customers ADD COLUMN city TEXT;
ALTER TABLE customers ADD COLUMN region TEXT;
ALTER TABLE customers ADD COLUMN postal_code TEXT;
ALTER TABLE customers ADD COLUMN tax_id TEXT;
ALTER TABLE customers ADD COLUMN agreement_accepted_by_name TEXT;
ALTER TABLE customers ADD COLUMN agreement_accepted_by_email TEXT;
ALTER TABLE customers ADD COLUMN agreement_accepted_at TEXT;
ALTER TABLE customers ADD COLUMN agreement_confirmed_by TEXT;

-- Who changed a customer's details, from what to what (append-only: the code never updates
-- or deletes rows here).
CREATE TABLE customer_changes (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    field        TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT NOT NULL,
    changed_by   TEXT NOT NULL,
    changed_at   TEXT NOT NULL
);
CREATE INDEX customer_changes_by_customer ON customer_changes (customer_id, changed_at);

-- A customer added with an Idempotency-Key is added once (the key is claimed before the
-- customer is written, in one transaction, as for orders).
CREATE TABLE customer_keys (
    partner_id       TEXT NOT NULL REFERENCES partners (id),
    idempotency_key  TEXT NOT NULL,
    request_hash     TEXT NOT NULL,
    customer_id      TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    PRIMARY KEY (partner_id, idempotency_key)
);
