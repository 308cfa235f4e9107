-- PostgreSQL twin of ../sqlite/0010_one_credit_rule.sql.
-- One credit rule for every path: who booked a credit, the support request whose approval
-- cancelled an order, what an approval did with the purchase, the refund limit as an exact
-- amount with its history of changes, idempotency keys for support requests, an activity log
-- the database keeps append-only (R-LOG-3), and cancellation windows of exactly N × 24 hours.

ALTER TABLE credits ADD COLUMN booked_by TEXT;
ALTER TABLE cancellations ADD COLUMN support_request_id TEXT COLLATE "C" REFERENCES support_requests (id);
ALTER TABLE support_requests ADD COLUMN outcome TEXT COLLATE "C";

ALTER TABLE billing_profiles ADD COLUMN refund_limit_hundredths BIGINT NOT NULL DEFAULT 2500000;
UPDATE billing_profiles SET refund_limit_hundredths = refund_limit_major * 100;
ALTER TABLE billing_profiles DROP COLUMN refund_limit_major;

CREATE TABLE setting_changes (
    id          TEXT COLLATE "C" PRIMARY KEY,
    partner_id  TEXT COLLATE "C" REFERENCES partners (id),
    setting     TEXT COLLATE "C" NOT NULL,
    old_value   TEXT,
    new_value   TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    changed_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX setting_changes_by_setting ON setting_changes (partner_id, setting, changed_at);

CREATE TABLE support_request_keys (
    partner_id          TEXT COLLATE "C" NOT NULL REFERENCES partners (id),
    idempotency_key     TEXT COLLATE "C" NOT NULL,
    request_hash        TEXT COLLATE "C" NOT NULL,
    support_request_id  TEXT COLLATE "C" NOT NULL REFERENCES support_requests (id),
    created_at          TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (partner_id, idempotency_key)
);

CREATE FUNCTION activity_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'activity log entries are append-only (R-LOG-3)';
END
$$;
CREATE TRIGGER activity_log_no_change BEFORE UPDATE OR DELETE ON activity_log
    FOR EACH ROW EXECUTE FUNCTION activity_log_append_only();
CREATE TRIGGER activity_log_no_truncate BEFORE TRUNCATE ON activity_log
    FOR EACH STATEMENT EXECUTE FUNCTION activity_log_append_only();

UPDATE orders SET cancellable_until = to_char(
        (CAST(created_at AS timestamptz)
         + (CAST(substr(cancellable_until, 1, 10) AS date) - CAST(substr(created_at, 1, 10) AS date))
           * interval '1 day') AT TIME ZONE 'UTC',
        'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    WHERE cancellable_until IS NOT NULL;
