-- Accounts managed in the product: users can be deactivated (they cannot sign in, their
-- sessions end), invited users have no password until they accept (password_hash '').
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN last_sign_in_at TEXT;

-- One-time links: an invitation to set a first password, or a password reset. Only a hash of
-- the token is kept; a link works once, until it expires.
CREATE TABLE account_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    purpose     TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX account_tokens_by_user ON account_tokens (user_id, created_at);

-- Who changed which user how: invitations, roles, (de)activation, passwords set and reset.
CREATE TABLE user_changes (
    id           TEXT PRIMARY KEY,
    partner_id   TEXT REFERENCES partners (id),
    at           TEXT NOT NULL,
    actor_email  TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    action       TEXT NOT NULL,
    detail       TEXT NOT NULL,
    client_ip    TEXT NOT NULL
);
CREATE INDEX user_changes_by_partner ON user_changes (partner_id, at);
