-- One credit rule for every path: who booked a credit, the support request whose approval
-- cancelled an order, what an approval did with the purchase, the refund limit as an exact
-- amount with its history of changes, idempotency keys for support requests, an activity log
-- the database keeps append-only (R-LOG-3), and cancellation windows of exactly N × 24 hours.

ALTER TABLE credits ADD COLUMN booked_by TEXT;
ALTER TABLE cancellations ADD COLUMN support_request_id TEXT REFERENCES support_requests (id);
-- 'cancel_purchase' or 'credit_only', once approved with a credit.
ALTER TABLE support_requests ADD COLUMN outcome TEXT;

-- The limit in hundredths (25000.00 → 2500000), applied in each order's currency.
ALTER TABLE billing_profiles ADD COLUMN refund_limit_hundredths INTEGER NOT NULL DEFAULT 2500000;
UPDATE billing_profiles SET refund_limit_hundredths = refund_limit_major * 100;
ALTER TABLE billing_profiles DROP COLUMN refund_limit_major;

-- Changes of settings: a partner's (partner_id set) or the operator's (partner_id NULL).
CREATE TABLE setting_changes (
    id          TEXT PRIMARY KEY,
    partner_id  TEXT REFERENCES partners (id),
    setting     TEXT NOT NULL,
    old_value   TEXT,
    new_value   TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL
);
CREATE INDEX setting_changes_by_setting ON setting_changes (partner_id, setting, changed_at);

-- A support request filed with an Idempotency-Key is filed once.
CREATE TABLE support_request_keys (
    partner_id          TEXT NOT NULL REFERENCES partners (id),
    idempotency_key     TEXT NOT NULL,
    request_hash        TEXT NOT NULL,
    support_request_id  TEXT NOT NULL REFERENCES support_requests (id),
    created_at          TEXT NOT NULL,
    PRIMARY KEY (partner_id, idempotency_key)
);

CREATE TRIGGER activity_log_no_update BEFORE UPDATE ON activity_log
BEGIN
    SELECT RAISE(ABORT, 'activity log entries are append-only (R-LOG-3)');
END;
CREATE TRIGGER activity_log_no_delete BEFORE DELETE ON activity_log
BEGIN
    SELECT RAISE(ABORT, 'activity log entries are append-only (R-LOG-3)');
END;

-- The window ended at the start of a UTC day; it now ends the same number of whole days
-- after the purchase, to the millisecond.
UPDATE orders SET cancellable_until = strftime('%Y-%m-%dT%H:%M:%fZ',
        julianday(created_at)
        + (julianday(substr(cancellable_until, 1, 10)) - julianday(substr(created_at, 1, 10))))
    WHERE cancellable_until IS NOT NULL;
