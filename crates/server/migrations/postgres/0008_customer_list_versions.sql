-- Each partner's customer list gets a version that every change to its customers moves on, in
-- the change's own transaction: the server holds large partners' lists in memory
-- (`store::customer_lists`) and uses such a copy only while its version is the current one.
-- Triggers keep the version and, from now on, the partner's count of customers (until now
-- kept by `store::customers::insert`; recounted here), so changes made outside the product's
-- code (a directory sync, an operator's UPDATE, DELETE or TRUNCATE) are counted and seen as
-- well. They run once per statement over its changed rows, so a bulk change updates each
-- partner's row once, not once per customer. Servers older than this migration must not
-- write to the database after it (they would count their inserts twice).
ALTER TABLE partners ADD COLUMN customers_version BIGINT NOT NULL DEFAULT 0;
UPDATE partners SET customer_count = (SELECT COUNT(*) FROM customers WHERE partner_id = partners.id);

CREATE FUNCTION customers_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE partners SET customer_count = 0, customers_version = customers_version + 1;
    ELSIF TG_OP = 'INSERT' THEN
        UPDATE partners p SET customer_count = p.customer_count + n.added,
            customers_version = p.customers_version + 1
        FROM (SELECT partner_id, COUNT(*) AS added FROM new_rows GROUP BY partner_id) n
        WHERE p.id = n.partner_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE partners p SET customer_count = p.customer_count - o.removed,
            customers_version = p.customers_version + 1
        FROM (SELECT partner_id, COUNT(*) AS removed FROM old_rows GROUP BY partner_id) o
        WHERE p.id = o.partner_id;
    ELSE
        UPDATE partners p SET customer_count = p.customer_count + d.delta,
            customers_version = p.customers_version + 1
        FROM (SELECT partner_id, SUM(change) AS delta FROM (
                SELECT partner_id, 1 AS change FROM new_rows
                UNION ALL SELECT partner_id, -1 FROM old_rows) AS changes
              GROUP BY partner_id) d
        WHERE p.id = d.partner_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER customers_kept_insert AFTER INSERT ON customers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customers_kept();
CREATE TRIGGER customers_kept_update AFTER UPDATE ON customers
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION customers_kept();
CREATE TRIGGER customers_kept_delete AFTER DELETE ON customers
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION customers_kept();
CREATE TRIGGER customers_kept_truncate AFTER TRUNCATE ON customers
    FOR EACH STATEMENT EXECUTE FUNCTION customers_kept();
