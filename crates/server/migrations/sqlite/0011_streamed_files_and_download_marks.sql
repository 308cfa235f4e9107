-- Files arrive piece by piece and are written in pieces, each its own short write, before the
-- short transaction that records what they belong to; a partner's files count against its
-- quota from the moment they are reserved. Existing attachments become one-piece files.
CREATE TABLE stored_files (
    id          TEXT PRIMARY KEY,
    partner_id  TEXT NOT NULL REFERENCES partners (id),
    size_bytes  INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX stored_files_by_partner ON stored_files (partner_id);
CREATE INDEX stored_files_by_age ON stored_files (created_at);

CREATE TABLE stored_file_pieces (
    file_id  TEXT NOT NULL REFERENCES stored_files (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (file_id, seq)
);

ALTER TABLE support_attachments ADD COLUMN stored_file_id TEXT REFERENCES stored_files (id);
INSERT INTO stored_files (id, partner_id, size_bytes, created_at)
    SELECT a.id, r.partner_id, a.size_bytes, a.uploaded_at
    FROM support_attachments a JOIN support_requests r ON r.id = a.request_id;
INSERT INTO stored_file_pieces (file_id, seq, data) SELECT id, 0, content FROM support_attachments;
UPDATE support_attachments SET stored_file_id = id;
ALTER TABLE support_attachments DROP COLUMN content;
CREATE INDEX support_attachments_by_stored_file ON support_attachments (stored_file_id);

-- A download is logged once per user, file and day (UTC), whatever part of the file it asks.
CREATE TABLE download_marks (
    user_id  TEXT NOT NULL,
    file_id  TEXT NOT NULL,
    day      TEXT NOT NULL,
    PRIMARY KEY (user_id, file_id, day)
);
