-- Cancellations (one per order, processed once by a background worker) and credits (one per
-- source: a cancellation or an approved support request), which appear on an invoice.

CREATE TABLE cancellations (
    id             TEXT PRIMARY KEY,
    order_id       TEXT NOT NULL UNIQUE REFERENCES orders (id),
    partner_id     TEXT NOT NULL REFERENCES partners (id),
    customer_id    TEXT NOT NULL REFERENCES customers (id),
    requested_by   TEXT NOT NULL,
    requested_at   TEXT NOT NULL,
    -- The credit as previewed when it was requested; the worker books exactly this.
    credit_minor   INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    -- 'pending' until due, 'processing' while a worker holds it, 'completed'.
    state          TEXT NOT NULL,
    due_at         TEXT NOT NULL,
    claimed_by     TEXT,
    claimed_until  TEXT,
    processed_at   TEXT
);
CREATE INDEX cancellations_by_state ON cancellations (state, due_at);

CREATE TABLE credits (
    id             TEXT PRIMARY KEY,
    -- 'cancellation:<id>' or 'support:<id>': a source can never be credited twice.
    source         TEXT NOT NULL UNIQUE,
    order_id       TEXT NOT NULL REFERENCES orders (id),
    partner_id     TEXT NOT NULL REFERENCES partners (id),
    customer_id    TEXT NOT NULL REFERENCES customers (id),
    amount_minor   INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    description    TEXT NOT NULL,
    booked_at      TEXT NOT NULL,
    -- 'YYYY-MM': the invoice it appears on (the month after it was booked).
    invoice_month  TEXT NOT NULL
);
CREATE INDEX credits_by_partner_and_month ON credits (partner_id, invoice_month);
CREATE INDEX credits_by_order ON credits (order_id);
