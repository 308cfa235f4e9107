-- The life of a subscription (SPEC §11 Subscriptions). A purchase (order line) with a term
-- renews at its term end when auto_renew is on — a new order, which continues it — or expires.
-- term_ended: NULL while the term runs, 'renewed' or 'expired' once it has ended, or
-- 'cancelled' when its order was cancelled before (nothing happens at the end then).
ALTER TABLE order_lines ADD COLUMN auto_renew BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN term_ended TEXT COLLATE "C";
ALTER TABLE order_lines ADD COLUMN term_ended_at TEXT COLLATE "C";
-- The order that renewed it.
ALTER TABLE order_lines ADD COLUMN renewal_order_id TEXT COLLATE "C";

-- Subscriptions bought before renew like those bought from now on; reservations only when
-- someone says so. A term that ended before this release is not renewed (nobody was told it
-- would be, nor charged): it expires at the first run of the worker.
UPDATE order_lines SET auto_renew = 1 WHERE kind = 'software_subscription' AND term <> ''
    AND term_end > to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');

-- term_ended is 'renewing' while a worker renews it (claimed: auto-renew no longer changes).
-- The renewal worker's queues: terms that have not ended, by their end; renewals claimed.
CREATE INDEX order_lines_running_terms ON order_lines (term_end)
    WHERE term_ended IS NULL AND term_end IS NOT NULL;
CREATE INDEX order_lines_renewing ON order_lines (term_end) WHERE term_ended = 'renewing';

-- Every order of a partner, newest first, in keyset pages (GET /api/v1/orders), also by status.
CREATE INDEX orders_by_partner_newest ON orders (partner_id, created_at, id);
CREATE INDEX orders_by_partner_status ON orders (partner_id, status, created_at, id);

-- Reminders before a deadline (a term end, a cancellation window's end): each settled once, by
-- the worker whose insert made the row; sent = 0 for one skipped because a more urgent one was
-- due at the same time.
CREATE TABLE reminders (
    subject_id  TEXT COLLATE "C" NOT NULL,   -- the purchase (term end) or the order (window)
    kind        TEXT COLLATE "C" NOT NULL,   -- term_end_30d, term_end_7d, window_3d, window_1d
    settled_at  TEXT COLLATE "C" NOT NULL,
    sent        BIGINT NOT NULL,
    PRIMARY KEY (subject_id, kind)
);

-- Orders whose cancellation window is still open, by its end (the reminder worker's range).
CREATE INDEX orders_window_open ON orders (cancellable_until)
    WHERE status = 'completed' AND cancellable_until IS NOT NULL;
