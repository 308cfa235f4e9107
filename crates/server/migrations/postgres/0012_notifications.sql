-- Notifications (one outbox). An event is written in the same transaction as the change it
-- reports, with one delivery per e-mail recipient and per webhook endpoint; the worker claims
-- due deliveries (state 'pending', or 'sending' whose lease ran out: next_attempt_at is the
-- lease's end while sending) and records each attempt's outcome.
CREATE TABLE webhooks (
    id                     TEXT COLLATE "C" PRIMARY KEY,
    partner_id             TEXT COLLATE "C" NOT NULL REFERENCES partners (id),
    url                    TEXT COLLATE "C" NOT NULL,
    events                 TEXT COLLATE "C" NOT NULL,  -- event types, separated by spaces
    secret                 TEXT COLLATE "C" NOT NULL,
    previous_secret        TEXT COLLATE "C",           -- still signed with until previous_secret_until
    previous_secret_until  TEXT COLLATE "C",
    active                 BIGINT NOT NULL DEFAULT 1,
    disabled_reason        TEXT COLLATE "C",
    created_by             TEXT COLLATE "C" NOT NULL,
    created_at             TEXT COLLATE "C" NOT NULL
);
CREATE INDEX webhooks_by_partner ON webhooks (partner_id, created_at);

CREATE TABLE outbox_events (
    id          TEXT COLLATE "C" PRIMARY KEY,
    type        TEXT COLLATE "C" NOT NULL,
    partner_id  TEXT COLLATE "C" REFERENCES partners (id),
    created_at  TEXT COLLATE "C" NOT NULL,
    data        TEXT COLLATE "C" NOT NULL  -- the event's JSON payload
);
CREATE INDEX outbox_events_by_partner ON outbox_events (partner_id, created_at);
CREATE INDEX outbox_events_by_age ON outbox_events (created_at);

CREATE TABLE deliveries (
    id                TEXT COLLATE "C" PRIMARY KEY,
    event_id          TEXT COLLATE "C" NOT NULL REFERENCES outbox_events (id),
    channel           TEXT COLLATE "C" NOT NULL CHECK (channel IN ('email', 'webhook')),
    webhook_id        TEXT COLLATE "C",  -- no foreign key: an endpoint removed while an event is recorded leaves a delivery the worker skips
    email_to          TEXT COLLATE "C",
    language          TEXT COLLATE "C" NOT NULL,
    state             TEXT COLLATE "C" NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'failed', 'skipped')),
    attempts          BIGINT NOT NULL DEFAULT 0,
    next_attempt_at   TEXT COLLATE "C" NOT NULL,
    claimed_by        TEXT COLLATE "C",
    last_status       BIGINT,
    last_error        TEXT COLLATE "C",
    last_duration_ms  BIGINT,
    finished_at       TEXT COLLATE "C",
    created_at        TEXT COLLATE "C" NOT NULL,
    CHECK ((channel = 'webhook') = (webhook_id IS NOT NULL)),
    CHECK ((channel = 'email') = (email_to IS NOT NULL))
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_by_webhook ON deliveries (webhook_id, created_at);
CREATE INDEX deliveries_by_event ON deliveries (event_id);

-- Each user's language for mails, and the optional mails they want.
ALTER TABLE users ADD COLUMN language TEXT COLLATE "C" NOT NULL DEFAULT 'en';
ALTER TABLE users ADD COLUMN notify_orders BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN notify_support BIGINT NOT NULL DEFAULT 1;
