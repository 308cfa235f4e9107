-- Browsers where a user chose, at the second step of a sign-in, not to be asked for a code
-- again for a while: the hash of the token in that browser's cookie, until it expires. A new
-- password or two-step sign-in turned off forgets them all.
CREATE TABLE remembered_devices (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX remembered_devices_by_user ON remembered_devices (user_id);
