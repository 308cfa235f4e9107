-- Where each session was started (the client's address and browser), so a user can see where
-- they are signed in and end the sessions they do not recognise.
ALTER TABLE sessions ADD COLUMN client_ip TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT COLLATE "C" NOT NULL DEFAULT '';
