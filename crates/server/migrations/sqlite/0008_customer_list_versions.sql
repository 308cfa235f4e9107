-- Each partner's customer list gets a version that every change to its customers moves on, in
-- the change's own transaction: the server holds large partners' lists in memory
-- (`store::customer_lists`) and uses such a copy only while its version is the current one.
-- Triggers keep the version and, from now on, the partner's count of customers (until now
-- kept by `store::customers::insert`; recounted here), so changes made outside the product's
-- code (a directory sync, an operator's UPDATE or DELETE) are counted and seen as well. The
-- server turns on `recursive_triggers`, so a row that `INSERT OR REPLACE` removes is counted
-- out too. Servers older than this migration must not write to the database after it (they
-- would count their inserts twice).
ALTER TABLE partners ADD COLUMN customers_version BIGINT NOT NULL DEFAULT 0;
UPDATE partners SET customer_count = (SELECT COUNT(*) FROM customers WHERE partner_id = partners.id);

CREATE TRIGGER customers_kept_insert AFTER INSERT ON customers BEGIN
    UPDATE partners SET customer_count = customer_count + 1,
        customers_version = customers_version + 1
    WHERE id = new.partner_id;
END;
-- Only the columns a list shows or is ordered and searched by.
CREATE TRIGGER customers_kept_update
AFTER UPDATE OF id, partner_id, company_name, tenant_id, domain, search_text, sort_name ON customers
BEGIN
    UPDATE partners SET customers_version = customers_version + 1,
        customer_count = customer_count + (CASE WHEN id = new.partner_id THEN 1 ELSE 0 END)
            - (CASE WHEN id = old.partner_id THEN 1 ELSE 0 END)
    WHERE id IN (old.partner_id, new.partner_id);
END;
CREATE TRIGGER customers_kept_delete AFTER DELETE ON customers BEGIN
    UPDATE partners SET customer_count = customer_count - 1,
        customers_version = customers_version + 1
    WHERE id = old.partner_id;
END;
