-- Each partner's customer list gets a version that every change to its customers moves on, in
-- the change's own transaction: the server holds large partners' lists in memory
-- (`store::customer_lists`) and uses such a copy only while its version is the current one.
-- A trigger keeps the version and, from now on, the partner's count of customers (until now
-- kept by `store::customers::insert`), so a change made outside the product's code (a
-- directory sync, an operator's UPDATE or DELETE) is counted and seen as well.
ALTER TABLE partners ADD COLUMN customers_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION customers_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE partners SET customer_count = customer_count + 1,
            customers_version = customers_version + 1
        WHERE id = NEW.partner_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE partners SET customer_count = customer_count - 1,
            customers_version = customers_version + 1
        WHERE id = OLD.partner_id;
    ELSE
        UPDATE partners SET customers_version = customers_version + 1,
            customer_count = customer_count + (CASE WHEN id = NEW.partner_id THEN 1 ELSE 0 END)
                - (CASE WHEN id = OLD.partner_id THEN 1 ELSE 0 END)
        WHERE id IN (OLD.partner_id, NEW.partner_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER customers_kept AFTER INSERT OR UPDATE OR DELETE ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_kept();
