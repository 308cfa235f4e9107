-- Customer search at partner scale (100 000 customers): a trigram index answers "contains"
-- searches of 3 characters or more without reading every row, and each partner's number of
-- customers is kept, so the unfiltered list does not count them on every request.

-- FTS5 over customers.search_text (external content: the text is stored once, in customers).
-- The trigram tokenizer matches any substring of 3 or more characters, case-blind.
CREATE VIRTUAL TABLE customers_search USING fts5 (
    search_text,
    content = 'customers',
    content_rowid = 'rowid',
    tokenize = 'trigram'
);
INSERT INTO customers_search (customers_search) VALUES ('rebuild');

-- The index follows the rows: added, renamed or removed customers are found as they are.
CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customers_search (customers_search, rowid, search_text)
        VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER customers_search_update AFTER UPDATE OF search_text ON customers BEGIN
    INSERT INTO customers_search (customers_search, rowid, search_text)
        VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO customers_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;

-- Kept by `store::customers::insert` in the customer's own transaction.
ALTER TABLE partners ADD COLUMN customer_count BIGINT NOT NULL DEFAULT 0;
UPDATE partners SET customer_count = (SELECT COUNT(*) FROM customers WHERE partner_id = partners.id);
