-- PostgreSQL schema, the twin of ../sqlite/0001_skeleton.sql: the same tables and columns (a
-- test compares them). Text that is sorted or compared as a key uses the "C" collation, so
-- order and equality are byte-wise as on SQLite, whatever the server's default locale.

CREATE TABLE partners (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE customers (
    id            TEXT COLLATE "C" PRIMARY KEY,
    partner_id    TEXT COLLATE "C" NOT NULL REFERENCES partners (id),
    company_name  TEXT NOT NULL,
    tenant_id     TEXT COLLATE "C" NOT NULL UNIQUE,
    domain        TEXT COLLATE "C" NOT NULL UNIQUE,
    market        TEXT COLLATE "C" NOT NULL,
    currency      TEXT COLLATE "C" NOT NULL,
    search_text   TEXT COLLATE "C" NOT NULL,
    sort_name     TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL
);
CREATE INDEX customers_by_partner_and_name ON customers (partner_id, sort_name, id, search_text);

CREATE TABLE users (
    id             TEXT COLLATE "C" PRIMARY KEY,
    email          TEXT COLLATE "C" NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('partner', 'customer', 'support')),
    partner_id     TEXT COLLATE "C" REFERENCES partners (id),
    customer_id    TEXT COLLATE "C" REFERENCES customers (id),
    password_hash  TEXT NOT NULL,
    created_at     TEXT COLLATE "C" NOT NULL,
    CHECK ((kind = 'partner') = (partner_id IS NOT NULL)),
    CHECK ((kind = 'customer') = (customer_id IS NOT NULL))
);

CREATE TABLE user_roles (
    user_id  TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    role     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    token_hash  TEXT COLLATE "C" PRIMARY KEY,
    user_id     TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    created_at  TEXT COLLATE "C" NOT NULL,
    expires_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Append-only (R-LOG-3): the code never updates or deletes rows here.
CREATE TABLE activity_log (
    id             TEXT COLLATE "C" PRIMARY KEY,
    partner_id     TEXT COLLATE "C" NOT NULL REFERENCES partners (id),
    at             TEXT COLLATE "C" NOT NULL,
    action         TEXT NOT NULL,
    user_email     TEXT NOT NULL,
    customer_id    TEXT COLLATE "C" NOT NULL REFERENCES customers (id),
    customer_name  TEXT NOT NULL,
    purchase_id    TEXT COLLATE "C" NOT NULL,
    product_name   TEXT NOT NULL
);
CREATE INDEX activity_log_by_partner_and_time ON activity_log (partner_id, at);

CREATE TABLE support_requests (
    id            TEXT COLLATE "C" PRIMARY KEY,
    number        BIGINT NOT NULL UNIQUE,
    partner_id    TEXT COLLATE "C" NOT NULL REFERENCES partners (id),
    problem_type  TEXT NOT NULL,
    title         TEXT NOT NULL,
    status        TEXT NOT NULL,
    customer      TEXT NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL
);
CREATE INDEX support_requests_by_partner ON support_requests (partner_id, created_at);
