-- SQLite schema. Its PostgreSQL twin is ../postgres/0001_skeleton.sql (same tables and columns;
-- a test compares them). TEXT ids, RFC 3339 UTC times, integer money; $n placeholders in code.

CREATE TABLE partners (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE customers (
    id            TEXT PRIMARY KEY,
    partner_id    TEXT NOT NULL REFERENCES partners (id),
    company_name  TEXT NOT NULL,
    tenant_id     TEXT NOT NULL UNIQUE,
    domain        TEXT NOT NULL UNIQUE,
    market        TEXT NOT NULL,
    currency      TEXT NOT NULL,
    -- lower(company_name || ' ' || domain || ' ' || tenant_id): one portable, case-blind search column.
    search_text   TEXT NOT NULL,
    sort_name     TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
-- Covers the list and search queries: a search scans this index in name order and reads the
-- table only for the rows of the page (see `make bench`).
CREATE INDEX customers_by_partner_and_name ON customers (partner_id, sort_name, id, search_text);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,  -- stored lower-case
    display_name   TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('partner', 'customer', 'support')),
    partner_id     TEXT REFERENCES partners (id),
    customer_id    TEXT REFERENCES customers (id),
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    CHECK ((kind = 'partner') = (partner_id IS NOT NULL)),
    CHECK ((kind = 'customer') = (customer_id IS NOT NULL))
);

CREATE TABLE user_roles (
    user_id  TEXT NOT NULL REFERENCES users (id),
    role     TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- Only a hash of the session token is stored: a leaked database holds no usable sessions.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Append-only (R-LOG-3): the code never updates or deletes rows here.
CREATE TABLE activity_log (
    id             TEXT PRIMARY KEY,
    partner_id     TEXT NOT NULL REFERENCES partners (id),
    at             TEXT NOT NULL,
    action         TEXT NOT NULL,
    user_email     TEXT NOT NULL,
    customer_id    TEXT NOT NULL REFERENCES customers (id),
    customer_name  TEXT NOT NULL,
    purchase_id    TEXT NOT NULL,
    product_name   TEXT NOT NULL
);
CREATE INDEX activity_log_by_partner_and_time ON activity_log (partner_id, at);

CREATE TABLE support_requests (
    id            TEXT PRIMARY KEY,
    number        INTEGER NOT NULL UNIQUE,
    partner_id    TEXT NOT NULL REFERENCES partners (id),
    problem_type  TEXT NOT NULL,
    title         TEXT NOT NULL,
    status        TEXT NOT NULL,
    customer      TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX support_requests_by_partner ON support_requests (partner_id, created_at);
