-- Two-step sign-in. A user's authenticator secret (on once a code of it is confirmed), the
-- last time step a code was used for (each code works once), and wrong codes in a row (the
-- second step pauses after too many).
CREATE TABLE two_step (
    user_id       TEXT COLLATE "C" PRIMARY KEY REFERENCES users (id),
    secret        TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    confirmed_at  TEXT COLLATE "C",
    last_step     BIGINT,
    wrong_codes   BIGINT NOT NULL DEFAULT 0,
    paused_until  TEXT COLLATE "C"
);

-- Recovery codes: only their hashes; each works once.
CREATE TABLE recovery_codes (
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    code_hash  TEXT COLLATE "C" NOT NULL,
    used_at    TEXT COLLATE "C",
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in whose password was right, waiting for the code: the hash of the token in its
-- short-lived cookie. It is not a session: no route but the second step accepts it.
CREATE TABLE sign_in_challenges (
    token_hash  TEXT COLLATE "C" PRIMARY KEY,
    user_id     TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    created_at  TEXT COLLATE "C" NOT NULL,
    expires_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sign_in_challenges_by_expiry ON sign_in_challenges (expires_at);
