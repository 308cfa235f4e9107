-- Single sign-on with an organisation's OpenID Connect provider: a partner's provider
-- (partner_id NULL: the support organisation's), the e-mail domains it signs in (each domain
-- at one provider), the accounts at a provider linked to users (by provider and subject; an
-- issuer changed drops them), and
-- sign-ins on their way to the provider (single use, a few minutes, bound to the browser).
CREATE TABLE identity_providers (
    id             TEXT PRIMARY KEY,
    partner_id     TEXT UNIQUE REFERENCES partners (id),
    issuer         TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    client_secret  TEXT NOT NULL,
    require_sso    INTEGER NOT NULL DEFAULT 0,
    updated_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE identity_provider_domains (
    domain       TEXT PRIMARY KEY,
    provider_id  TEXT NOT NULL REFERENCES identity_providers (id)
);
CREATE INDEX identity_provider_domains_by_provider ON identity_provider_domains (provider_id);

CREATE TABLE user_identities (
    provider_id  TEXT NOT NULL REFERENCES identity_providers (id),
    subject      TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (provider_id, subject)
);

-- Only hashes of the `state` and of the browser's binding cookie are kept; the PKCE verifier
-- and nonce are useless without the provider's code, which only the browser that started the
-- sign-in receives — and only that browser (its cookie) may finish it.
CREATE TABLE sso_logins (
    state_hash     TEXT PRIMARY KEY,
    browser_hash   TEXT NOT NULL,
    provider_id    TEXT NOT NULL REFERENCES identity_providers (id),
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    next_path      TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL
);
CREATE INDEX sso_logins_by_expiry ON sso_logins (expires_at);
CREATE INDEX sso_logins_by_provider ON sso_logins (provider_id);

-- A session whose sign-in passed a second factor at the provider (its `amr` said so): the
-- product's own two-step sign-in is not asked of it.
ALTER TABLE sessions ADD COLUMN provider_mfa INTEGER NOT NULL DEFAULT 0;

-- The provider a session was signed in at: signing out offers its end-session page.
ALTER TABLE sessions ADD COLUMN sso_provider_id TEXT;
