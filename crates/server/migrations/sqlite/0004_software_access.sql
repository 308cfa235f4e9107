-- Where key reveals and downloads came from (the activity log's client address), and the
-- indexes the Software lists read by.

ALTER TABLE activity_log ADD COLUMN client_ip TEXT NOT NULL DEFAULT '';
CREATE INDEX order_lines_by_order ON order_lines (order_id);
