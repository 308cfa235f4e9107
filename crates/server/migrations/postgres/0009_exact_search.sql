-- Every path of a customer search compares exactly what `store::customers::search_fold` makes
-- of names and searches (lower case, the final sigma ς as σ): stored texts are folded again.
-- (SQLite's migration also makes its trigram index case-sensitive; here the pg_trgm index
-- only narrows LIKE, which compares exactly.)
UPDATE customers SET search_text = replace(search_text, 'ς', 'σ'),
    sort_name = replace(sort_name, 'ς', 'σ')
WHERE search_text LIKE '%ς%' OR sort_name LIKE '%ς%';
