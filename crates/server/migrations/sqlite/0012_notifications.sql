-- Notifications (one outbox). An event is written in the same transaction as the change it
-- reports, with one delivery per e-mail recipient and per webhook endpoint; the worker claims
-- due deliveries (state 'pending', or 'sending' whose lease ran out: next_attempt_at is the
-- lease's end while sending) and records each attempt's outcome.
CREATE TABLE webhooks (
    id                     TEXT PRIMARY KEY,
    partner_id             TEXT NOT NULL REFERENCES partners (id),
    url                    TEXT NOT NULL,
    events                 TEXT NOT NULL,  -- event types, separated by spaces
    secret                 TEXT NOT NULL,
    previous_secret        TEXT,           -- still signed with until previous_secret_until
    previous_secret_until  TEXT,
    active                 INTEGER NOT NULL DEFAULT 1,
    disabled_reason        TEXT,
    created_by             TEXT NOT NULL,
    created_at             TEXT NOT NULL
);
CREATE INDEX webhooks_by_partner ON webhooks (partner_id, created_at);

CREATE TABLE outbox_events (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    partner_id  TEXT REFERENCES partners (id),
    created_at  TEXT NOT NULL,
    data        TEXT NOT NULL  -- the event's JSON payload
);
CREATE INDEX outbox_events_by_partner ON outbox_events (partner_id, created_at);
CREATE INDEX outbox_events_by_age ON outbox_events (created_at);

CREATE TABLE deliveries (
    id                TEXT PRIMARY KEY,
    event_id          TEXT NOT NULL REFERENCES outbox_events (id),
    channel           TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    webhook_id        TEXT,  -- no foreign key: an endpoint removed while an event is recorded leaves a delivery the worker skips
    email_to          TEXT,
    language          TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'failed', 'skipped')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   TEXT NOT NULL,
    claimed_by        TEXT,
    last_status       INTEGER,
    last_error        TEXT,
    last_duration_ms  INTEGER,
    finished_at       TEXT,
    created_at        TEXT NOT NULL,
    CHECK ((channel = 'webhook') = (webhook_id IS NOT NULL)),
    CHECK ((channel = 'email') = (email_to IS NOT NULL))
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_by_webhook ON deliveries (webhook_id, created_at);
CREATE INDEX deliveries_by_event ON deliveries (event_id);

-- Each user's language for mails, and the optional mails they want.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE users ADD COLUMN notify_orders INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN notify_support INTEGER NOT NULL DEFAULT 1;
