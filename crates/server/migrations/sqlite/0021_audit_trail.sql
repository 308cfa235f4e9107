-- The audit trail: every state-changing action, who did it (actor, organisation, address),
-- what (action, target, before/after), from where and in which request. Written in the
-- transaction of the action it records, so a refused or rolled-back action leaves nothing;
-- append-only, as the key-access log (R-LOG-3): the database refuses to change or remove an
-- entry, except the purge of entries older than the retention (`csp-server admin
-- purge-audit-log`), which first moves the horizon below which deleting is allowed.
CREATE TABLE audit_events (
    id           TEXT PRIMARY KEY,
    at           TEXT NOT NULL,
    -- The partner whose trail it is (NULL: nobody's but the support organisation's).
    partner_id   TEXT,
    actor_kind   TEXT NOT NULL,
    actor_id     TEXT,
    actor_email  TEXT NOT NULL,
    action       TEXT NOT NULL,
    target_type  TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    customer_id  TEXT,
    detail       TEXT NOT NULL,
    client_ip    TEXT NOT NULL,
    request_id   TEXT NOT NULL
);
CREATE INDEX audit_events_by_partner ON audit_events (partner_id, id);
CREATE INDEX audit_events_by_actor_kind ON audit_events (actor_kind, id);

CREATE TABLE audit_purge_horizon (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    before  TEXT NOT NULL
);
INSERT INTO audit_purge_horizon (one, before) VALUES (1, '');

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit trail entries are append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    WHEN OLD.at >= (SELECT before FROM audit_purge_horizon WHERE one = 1)
BEGIN
    SELECT RAISE(ABORT, 'audit trail entries are append-only');
END;
