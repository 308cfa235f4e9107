-- PostgreSQL twin of ../sqlite/0005_cancellations_and_credits.sql.
-- Cancellations (one per order, processed once by a background worker) and credits (one per
-- source: a cancellation or an approved support request), which appear on an invoice.

CREATE TABLE cancellations (
    id             TEXT COLLATE "C" PRIMARY KEY,
    order_id       TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES orders (id),
    partner_id     TEXT COLLATE "C" NOT NULL REFERENCES partners (id),
    customer_id    TEXT COLLATE "C" NOT NULL REFERENCES customers (id),
    requested_by   TEXT NOT NULL,
    requested_at   TEXT COLLATE "C" NOT NULL,
    -- The credit as previewed when it was requested; the worker books exactly this.
    credit_minor   BIGINT NOT NULL,
    currency       TEXT COLLATE "C" NOT NULL,
    -- 'pending' until due, 'processing' while a worker holds it, 'completed'.
    state          TEXT COLLATE "C" NOT NULL,
    due_at         TEXT COLLATE "C" NOT NULL,
    claimed_by     TEXT COLLATE "C",
    claimed_until  TEXT COLLATE "C",
    processed_at   TEXT COLLATE "C"
);
CREATE INDEX cancellations_by_state ON cancellations (state, due_at);

CREATE TABLE credits (
    id             TEXT COLLATE "C" PRIMARY KEY,
    -- 'cancellation:<id>' or 'support:<id>': a source can never be credited twice.
    source         TEXT COLLATE "C" NOT NULL UNIQUE,
    order_id       TEXT COLLATE "C" NOT NULL REFERENCES orders (id),
    partner_id     TEXT COLLATE "C" NOT NULL REFERENCES partners (id),
    customer_id    TEXT COLLATE "C" NOT NULL REFERENCES customers (id),
    amount_minor   BIGINT NOT NULL,
    currency       TEXT COLLATE "C" NOT NULL,
    description    TEXT NOT NULL,
    booked_at      TEXT COLLATE "C" NOT NULL,
    -- 'YYYY-MM': the invoice it appears on (the month after it was booked).
    invoice_month  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX credits_by_partner_and_month ON credits (partner_id, invoice_month);
CREATE INDEX credits_by_order ON credits (order_id);
