-- Accounts managed in the product: users can be deactivated (they cannot sign in, their
-- sessions end), invited users have no password until they accept (password_hash '').
ALTER TABLE users ADD COLUMN active BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN last_sign_in_at TEXT COLLATE "C";

-- One-time links: an invitation to set a first password, or a password reset. Only a hash of
-- the token is kept; a link works once, until it expires.
CREATE TABLE account_tokens (
    token_hash  TEXT COLLATE "C" PRIMARY KEY,
    user_id     TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    purpose     TEXT COLLATE "C" NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
    created_at  TEXT COLLATE "C" NOT NULL,
    expires_at  TEXT COLLATE "C" NOT NULL,
    used_at     TEXT COLLATE "C"
);
CREATE INDEX account_tokens_by_user ON account_tokens (user_id, created_at);

-- Who changed which user how: invitations, roles, (de)activation, passwords set and reset.
CREATE TABLE user_changes (
    id           TEXT COLLATE "C" PRIMARY KEY,
    partner_id   TEXT COLLATE "C" REFERENCES partners (id),
    at           TEXT COLLATE "C" NOT NULL,
    actor_email  TEXT COLLATE "C" NOT NULL,
    user_id      TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    action       TEXT COLLATE "C" NOT NULL,
    detail       TEXT COLLATE "C" NOT NULL,
    client_ip    TEXT COLLATE "C" NOT NULL
);
CREATE INDEX user_changes_by_partner ON user_changes (partner_id, at);
