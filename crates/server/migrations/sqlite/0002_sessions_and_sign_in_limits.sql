-- Idle timeout and pruning of sessions; sign-in attempt limits shared by every server replica.

ALTER TABLE sessions ADD COLUMN last_seen_at TEXT NOT NULL DEFAULT '';
UPDATE sessions SET last_seen_at = created_at;
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- One counter per bucket ('address:<hash>', 'address_ip:<hash>/<ip>', 'ip:<ip>', 'global') and
-- fixed window; an attempt is counted before its password is checked.
CREATE TABLE sign_in_attempts (
    bucket        TEXT PRIMARY KEY,
    window_start  TEXT NOT NULL,
    attempts      INTEGER NOT NULL
);

-- Where each user has signed in successfully: a lock on an address never applies to these.
CREATE TABLE sign_in_sources (
    user_id          TEXT NOT NULL REFERENCES users (id),
    ip               TEXT NOT NULL,
    last_success_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, ip)
);
