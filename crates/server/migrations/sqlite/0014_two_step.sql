-- Two-step sign-in. A user's authenticator secret (on once a code of it is confirmed), the
-- last time step a code was used for (each code works once), and wrong codes in a row (the
-- second step pauses after too many).
CREATE TABLE two_step (
    user_id       TEXT PRIMARY KEY REFERENCES users (id),
    secret        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    confirmed_at  TEXT,
    last_step     INTEGER,
    wrong_codes   INTEGER NOT NULL DEFAULT 0,
    paused_until  TEXT
);

-- Recovery codes: only their hashes; each works once.
CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users (id),
    code_hash  TEXT NOT NULL,
    used_at    TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in whose password was right, waiting for the code: the hash of the token in its
-- short-lived cookie. It is not a session: no route but the second step accepts it.
CREATE TABLE sign_in_challenges (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sign_in_challenges_by_expiry ON sign_in_challenges (expires_at);
