-- The audit trail: every state-changing action, who did it (actor, organisation, address),
-- what (action, target, before/after), from where and in which request. Written in the
-- transaction of the action it records, so a refused or rolled-back action leaves nothing;
-- append-only, as the key-access log (R-LOG-3): the database refuses to change or remove an
-- entry, except the purge of entries older than the retention (`csp-server admin
-- purge-audit-log`), which first moves the horizon below which deleting is allowed.
CREATE TABLE audit_events (
    id           TEXT COLLATE "C" PRIMARY KEY,
    at           TEXT COLLATE "C" NOT NULL,
    partner_id   TEXT COLLATE "C",
    actor_kind   TEXT COLLATE "C" NOT NULL,
    actor_id     TEXT COLLATE "C",
    actor_email  TEXT NOT NULL,
    action       TEXT COLLATE "C" NOT NULL,
    target_type  TEXT COLLATE "C" NOT NULL,
    target_id    TEXT COLLATE "C" NOT NULL,
    customer_id  TEXT COLLATE "C",
    detail       TEXT NOT NULL,
    client_ip    TEXT NOT NULL,
    request_id   TEXT NOT NULL
);
CREATE INDEX audit_events_by_partner ON audit_events (partner_id, id);
CREATE INDEX audit_events_by_actor_kind ON audit_events (actor_kind, id);

CREATE TABLE audit_purge_horizon (
    one     BIGINT PRIMARY KEY CHECK (one = 1),
    before  TEXT COLLATE "C" NOT NULL
);
INSERT INTO audit_purge_horizon (one, before) VALUES (1, '');

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.at < (SELECT before FROM audit_purge_horizon WHERE one = 1) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit trail entries are append-only';
END
$$;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
