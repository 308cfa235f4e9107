-- PostgreSQL twin of ../sqlite/0006_support_requests.sql.
-- Support requests in full (R-SUP): what the partner filed, its files, its history, and the
-- credit an approval booked. The columns added to the skeleton's table have defaults, so rows
-- of an older database stay readable.

ALTER TABLE support_requests ADD COLUMN impact TEXT COLLATE "C" NOT NULL DEFAULT 'medium';
ALTER TABLE support_requests ADD COLUMN customer_id TEXT COLLATE "C" REFERENCES customers (id);
ALTER TABLE support_requests ADD COLUMN order_id TEXT COLLATE "C" REFERENCES orders (id);
ALTER TABLE support_requests ADD COLUMN refund_reason TEXT;
ALTER TABLE support_requests ADD COLUMN amount_requested_minor BIGINT;
ALTER TABLE support_requests ADD COLUMN currency TEXT COLLATE "C";
ALTER TABLE support_requests ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE support_requests ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE support_requests ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE support_requests ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE support_requests ADD COLUMN updated_at TEXT COLLATE "C" NOT NULL DEFAULT '';
-- What an approval credited (minor units of `currency`).
ALTER TABLE support_requests ADD COLUMN credited_minor BIGINT;
UPDATE support_requests SET updated_at = created_at WHERE updated_at = '';
CREATE INDEX support_requests_by_status ON support_requests (status, created_at);
CREATE INDEX support_requests_by_order ON support_requests (order_id);

-- Request numbers people quote on the phone: one row per sequence, taken with an upsert.
CREATE TABLE counters (
    name   TEXT COLLATE "C" PRIMARY KEY,
    value  BIGINT NOT NULL
);

CREATE TABLE support_attachments (
    id            TEXT COLLATE "C" PRIMARY KEY,
    request_id    TEXT COLLATE "C" NOT NULL REFERENCES support_requests (id),
    file_name     TEXT NOT NULL,
    -- Decided from the file's bytes by the server, never the uploader's claim.
    content_type  TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    content       BYTEA NOT NULL,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX support_attachments_by_request ON support_attachments (request_id, uploaded_at);

CREATE TABLE support_events (
    id          TEXT COLLATE "C" PRIMARY KEY,
    request_id  TEXT COLLATE "C" NOT NULL REFERENCES support_requests (id),
    at          TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,
    actor       TEXT NOT NULL,
    by_support  BIGINT NOT NULL,
    status      TEXT COLLATE "C",
    note        TEXT
);
CREATE INDEX support_events_by_request ON support_events (request_id, at);
