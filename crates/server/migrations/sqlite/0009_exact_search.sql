-- Every path of a customer search compares exactly what `store::customers::search_fold` makes
-- of names and searches (lower case, the final sigma ς as σ): the held lists, LIKE, and now
-- the trigram index, which becomes case-sensitive (the texts are folded already; its own
-- case-blindness also equated letters such as µ and μ that the other paths keep apart).
-- Stored texts are folded again first, while the old index's triggers still find its table.
UPDATE customers SET search_text = replace(search_text, 'ς', 'σ'),
    sort_name = replace(sort_name, 'ς', 'σ')
WHERE search_text LIKE '%ς%' OR sort_name LIKE '%ς%';

DROP TABLE customers_search;
CREATE VIRTUAL TABLE customers_search USING fts5 (
    search_text,
    content = 'customers',
    content_rowid = 'rowid',
    tokenize = 'trigram case_sensitive 1'
);
INSERT INTO customers_search (customers_search) VALUES ('rebuild');
