-- Idle timeout and pruning of sessions; sign-in attempt limits shared by every server replica.

ALTER TABLE sessions ADD COLUMN last_seen_at TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE sessions SET last_seen_at = created_at;
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE sign_in_attempts (
    bucket        TEXT COLLATE "C" PRIMARY KEY,
    window_start  TEXT COLLATE "C" NOT NULL,
    attempts      BIGINT NOT NULL
);

CREATE TABLE sign_in_sources (
    user_id          TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    ip               TEXT COLLATE "C" NOT NULL,
    last_success_at  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, ip)
);
