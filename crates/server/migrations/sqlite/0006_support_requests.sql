-- Support requests in full (R-SUP): what the partner filed, its files, its history, and the
-- credit an approval booked. The columns added to the skeleton's table have defaults, so rows
-- of an older database stay readable.

ALTER TABLE support_requests ADD COLUMN impact TEXT NOT NULL DEFAULT 'medium';
ALTER TABLE support_requests ADD COLUMN customer_id TEXT REFERENCES customers (id);
ALTER TABLE support_requests ADD COLUMN order_id TEXT REFERENCES orders (id);
ALTER TABLE support_requests ADD COLUMN refund_reason TEXT;
ALTER TABLE support_requests ADD COLUMN amount_requested_minor INTEGER;
ALTER TABLE support_requests ADD COLUMN currency TEXT;
ALTER TABLE support_requests ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE support_requests ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE support_requests ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE support_requests ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE support_requests ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
-- What an approval credited (minor units of `currency`).
ALTER TABLE support_requests ADD COLUMN credited_minor INTEGER;
UPDATE support_requests SET updated_at = created_at WHERE updated_at = '';
CREATE INDEX support_requests_by_status ON support_requests (status, created_at);
CREATE INDEX support_requests_by_order ON support_requests (order_id);

-- Request numbers people quote on the phone: one row per sequence, taken with an upsert.
CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);

CREATE TABLE support_attachments (
    id            TEXT PRIMARY KEY,
    request_id    TEXT NOT NULL REFERENCES support_requests (id),
    file_name     TEXT NOT NULL,
    -- Decided from the file's bytes by the server, never the uploader's claim.
    content_type  TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    content       BLOB NOT NULL,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   TEXT NOT NULL
);
CREATE INDEX support_attachments_by_request ON support_attachments (request_id, uploaded_at);

CREATE TABLE support_events (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES support_requests (id),
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    by_support  INTEGER NOT NULL,
    status      TEXT,
    note        TEXT
);
CREATE INDEX support_events_by_request ON support_events (request_id, at);
