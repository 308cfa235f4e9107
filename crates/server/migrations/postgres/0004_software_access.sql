-- PostgreSQL twin of ../sqlite/0004_software_access.sql.

ALTER TABLE activity_log ADD COLUMN client_ip TEXT NOT NULL DEFAULT '';
CREATE INDEX order_lines_by_order ON order_lines (order_id);
