-- The catalog (stored as data), billing profiles, orders with their lines, idempotency keys,
-- and what keyed purchases come with: product keys and the product's download files.

CREATE TABLE products (
    id                    TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    kind                  TEXT NOT NULL,
    description           TEXT NOT NULL,
    unit                  TEXT NOT NULL,
    has_keys              INTEGER NOT NULL,
    azure_hybrid_benefit  INTEGER NOT NULL,
    sort_order            INTEGER NOT NULL
);

CREATE TABLE offers (
    id            TEXT PRIMARY KEY,
    product_id    TEXT NOT NULL REFERENCES products (id),
    sku_name      TEXT NOT NULL,
    term          TEXT NOT NULL,           -- 'P1Y', 'P3Y', or '' for perpetual software
    min_quantity  INTEGER NOT NULL,
    max_quantity  INTEGER NOT NULL,
    sort_order    INTEGER NOT NULL
);

-- One price list per currency; integer minor units.
CREATE TABLE offer_prices (
    offer_id          TEXT NOT NULL REFERENCES offers (id),
    currency          TEXT NOT NULL,
    unit_price_minor  INTEGER NOT NULL,
    PRIMARY KEY (offer_id, currency)
);

CREATE TABLE billing_profiles (
    partner_id      TEXT PRIMARY KEY REFERENCES partners (id),
    company_name    TEXT NOT NULL,
    address         TEXT NOT NULL,          -- lines separated by a line feed
    invoice_email   TEXT NOT NULL,
    payment_method  TEXT NOT NULL,
    -- Cancellations crediting more than this (major units of the order's currency) need a
    -- support request (R-CAN-6).
    refund_limit_major  INTEGER NOT NULL DEFAULT 25000
);

CREATE TABLE orders (
    id                     TEXT PRIMARY KEY,
    partner_id             TEXT NOT NULL REFERENCES partners (id),
    customer_id            TEXT NOT NULL REFERENCES customers (id),
    status                 TEXT NOT NULL,
    currency               TEXT NOT NULL,
    total_minor            INTEGER NOT NULL,
    tax_inclusive          INTEGER NOT NULL,
    placed_by              TEXT NOT NULL,
    purchase_order_number  TEXT,
    created_at             TEXT NOT NULL,
    cancellable_until      TEXT            -- NULL: can never be cancelled
);
CREATE INDEX orders_by_customer ON orders (customer_id, created_at);
CREATE INDEX orders_by_partner ON orders (partner_id, created_at);

-- A line with keys and downloads is a software purchase; its id is the purchase id.
CREATE TABLE order_lines (
    id                TEXT PRIMARY KEY,
    order_id          TEXT NOT NULL REFERENCES orders (id),
    line_no           INTEGER NOT NULL,
    offer_id          TEXT NOT NULL REFERENCES offers (id),
    product_id        TEXT NOT NULL REFERENCES products (id),
    product_name      TEXT NOT NULL,
    sku_name          TEXT NOT NULL,
    kind              TEXT NOT NULL,
    term              TEXT NOT NULL,
    quantity          INTEGER NOT NULL,
    unit_price_minor  INTEGER NOT NULL,
    amount_minor      INTEGER NOT NULL,
    has_keys          INTEGER NOT NULL,
    term_end          TEXT,
    UNIQUE (order_id, line_no)
);

-- A key is unique per partner; its first use decides the order it stands for.
CREATE TABLE idempotency_keys (
    partner_id       TEXT NOT NULL REFERENCES partners (id),
    idempotency_key  TEXT NOT NULL,
    request_hash     TEXT NOT NULL,
    order_id         TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    PRIMARY KEY (partner_id, idempotency_key)
);

CREATE TABLE product_keys (
    purchase_id  TEXT NOT NULL REFERENCES order_lines (id),
    position     INTEGER NOT NULL,
    product_key  TEXT NOT NULL,
    PRIMARY KEY (purchase_id, position)
);

-- The downloads of a product (ISO images and the like), stored once for every purchase.
CREATE TABLE software_files (
    id          TEXT PRIMARY KEY,
    product_id  TEXT NOT NULL REFERENCES products (id),
    file_name   TEXT NOT NULL,
    version     TEXT NOT NULL,
    language    TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    content     BLOB NOT NULL
);
CREATE INDEX software_files_by_product ON software_files (product_id);
